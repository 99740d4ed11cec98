/* Compartments (enclaves) inside one image, for the `compartment` tag policy: a compartment is
   the ELF sections named after it, which the macros below place code and data in; the guest
   build links each into its own output section (--unique) so the policy finds them by name. */
#ifndef UNITAG_ABI_COMPARTMENT_H
#define UNITAG_ABI_COMPARTMENT_H

/* A function private to compartment NAME: only its own code and gates may call it. */
#define UNITAG_COMPARTMENT_CODE(NAME) __attribute__((section(".text.compartment." #NAME), noinline))
/* An initialised variable private to compartment NAME. */
#define UNITAG_COMPARTMENT_DATA(NAME) __attribute__((section(".data.compartment." #NAME)))
/* A zero-initialised variable private to compartment NAME. */
#define UNITAG_COMPARTMENT_BSS(NAME) __attribute__((section(".bss.compartment." #NAME)))
/* A gate of compartment NAME: the only functions code outside may call (enter at the entry). */
#define UNITAG_GATE(NAME) \
  __attribute__((section(".text.compartment." #NAME ".gate"), noinline, used))

#endif
