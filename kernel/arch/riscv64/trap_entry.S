/* Trap entry/exit and the thread context switch. Traps save a full TrapFrame (core/trap_frame.h
   layout: x0..x31, mepc, mstatus, mcause, mtval) on the interrupted thread's own stack, so a trap
   handler may switch threads and the frame waits on that stack until the thread runs again. */
#define FRAME_SIZE (36 * 8)
#define SAVE(n) sd x##n, (n * 8)(sp)
#define LOAD(n) ld x##n, (n * 8)(sp)

  .section .text.unitag.trap, "ax"
  .align 4
  .globl uk_trap_entry
  .type uk_trap_entry, @function
uk_trap_entry:
  addi sp, sp, -FRAME_SIZE
  SAVE(1)
  SAVE(3); SAVE(4); SAVE(5); SAVE(6); SAVE(7); SAVE(8); SAVE(9); SAVE(10); SAVE(11); SAVE(12)
  SAVE(13); SAVE(14); SAVE(15); SAVE(16); SAVE(17); SAVE(18); SAVE(19); SAVE(20); SAVE(21)
  SAVE(22); SAVE(23); SAVE(24); SAVE(25); SAVE(26); SAVE(27); SAVE(28); SAVE(29); SAVE(30)
  SAVE(31)
  addi t0, sp, FRAME_SIZE
  sd t0, (2 * 8)(sp)
  csrr t0, mepc
  sd t0, (32 * 8)(sp)
  csrr t0, mstatus
  sd t0, (33 * 8)(sp)
  csrr t0, mcause
  sd t0, (34 * 8)(sp)
  csrr t0, mtval
  sd t0, (35 * 8)(sp)
  /* A frame record so backtraces walk from the handler into the interrupted code. */
  mv a0, sp
  call uk_trap
  ld t0, (32 * 8)(sp)
  csrw mepc, t0
  ld t0, (33 * 8)(sp)
  csrw mstatus, t0
  LOAD(1)
  LOAD(3); LOAD(4); LOAD(5); LOAD(6); LOAD(7); LOAD(8); LOAD(9); LOAD(10); LOAD(11); LOAD(12)
  LOAD(13); LOAD(14); LOAD(15); LOAD(16); LOAD(17); LOAD(18); LOAD(19); LOAD(20); LOAD(21)
  LOAD(22); LOAD(23); LOAD(24); LOAD(25); LOAD(26); LOAD(27); LOAD(28); LOAD(29); LOAD(30)
  LOAD(31)
  addi sp, sp, FRAME_SIZE
  mret
  .size uk_trap_entry, . - uk_trap_entry

/* The thread context switch. A suspended thread's stack holds, at its saved sp, the callee-saved
   registers and tp that uk_switch_context or uk_switch_to_new pushed, below the genuine return
   address of that call (saved by `sd ra`: a tagged machine's stack policy sees a return address
   stored and reloaded, never one made up). */
#define SAVE_CONTEXT \
  addi sp, sp, -112; \
  sd ra, 0(sp); sd s0, 8(sp); sd s1, 16(sp); sd s2, 24(sp); sd s3, 32(sp); sd s4, 40(sp); \
  sd s5, 48(sp); sd s6, 56(sp); sd s7, 64(sp); sd s8, 72(sp); sd s9, 80(sp); sd s10, 88(sp); \
  sd s11, 96(sp); sd tp, 104(sp); \
  sd sp, 0(a0)

/* void uk_switch_context(uintptr_t* save_sp, uintptr_t load_sp): suspends the current thread
   (its sp into *save_sp) and resumes the one suspended at load_sp, returning from the switch call
   that suspended it. */
  .globl uk_switch_context
  .type uk_switch_context, @function
uk_switch_context:
  SAVE_CONTEXT
  mv sp, a1
  ld ra, 0(sp)
  ld s0, 8(sp)
  ld s1, 16(sp)
  ld s2, 24(sp)
  ld s3, 32(sp)
  ld s4, 40(sp)
  ld s5, 48(sp)
  ld s6, 56(sp)
  ld s7, 64(sp)
  ld s8, 72(sp)
  ld s9, 80(sp)
  ld s10, 88(sp)
  ld s11, 96(sp)
  ld tp, 104(sp)
  addi sp, sp, 112
  ret
  .size uk_switch_context, . - uk_switch_context

/* void uk_switch_to_new(uintptr_t* save_sp, uk_thread* t, uintptr_t stack_top, void* tls):
   suspends the current thread like uk_switch_context and starts t, which has never run, on its
   empty stack: a direct jump to the entry of uk_thread_start(t), with tp = its TLS block and
   ra = fp = 0 ending backtraces. A new thread therefore needs no made-up context to "return"
   into: no code address is ever written to memory as data (the stack policy would rightly call
   that a forged return address, and cfi a return to a non-return site). */
  .globl uk_switch_to_new
  .type uk_switch_to_new, @function
uk_switch_to_new:
  SAVE_CONTEXT
  mv sp, a2
  mv tp, a3
  mv a0, a1
  li fp, 0
  li ra, 0
  j uk_thread_start
  .size uk_switch_to_new, . - uk_switch_to_new
