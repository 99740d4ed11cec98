/* PLIC and UART registers of QEMU virt for the device guest tests (the same on unitag). Context
   2h is hart h's M level, 2h+1 its S level. */
#pragma once
#include <stdint.h>

#include "isa_support.h"

#define PLIC_BASE 0x0c000000ul
#define PLIC_PRIORITY(src) ((volatile uint32_t*)(PLIC_BASE + 4ul * (src)))
#define PLIC_PENDING(word) ((volatile uint32_t*)(PLIC_BASE + 0x1000ul + 4ul * (word)))
#define PLIC_ENABLE(ctx, word) \
  ((volatile uint32_t*)(PLIC_BASE + 0x2000ul + 0x80ul * (ctx) + 4ul * (word)))
#define PLIC_THRESHOLD(ctx) ((volatile uint32_t*)(PLIC_BASE + 0x200000ul + 0x1000ul * (ctx)))
#define PLIC_CLAIM(ctx) ((volatile uint32_t*)(PLIC_BASE + 0x200004ul + 0x1000ul * (ctx)))
#define UART_IRQ 10

#define UART_REG(n) ((volatile uint8_t*)(0x10000000ul + (n)))
#define UART_RBR UART_REG(0)
#define UART_THR UART_REG(0)
#define UART_IER UART_REG(1)
#define UART_IIR UART_REG(2)
#define UART_FCR UART_REG(2)
#define UART_LSR UART_REG(5)

#define MIP_SEIP (1ull << 9)
#define MIP_MEIP (1ull << 11)
