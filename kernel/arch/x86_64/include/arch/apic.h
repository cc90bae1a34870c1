/* SPDX-License-Identifier: BSD-2-Clause */
/* Local APIC (timer, EOI) and the interrupt vectors KaaL uses on x86_64. */
#pragma once

#include <stdint.h>
#include <arch/irq.h>

/* Vectors: 0x00-0x1f exceptions; 0x20-0x2f the masked 8259s (spurious only);
 * 0x30-0x9b user IRQs 0..107 (IOAPIC pins and MSIs, seL4 pc99's user range);
 * 0xef the kernel timer; 0xff the APIC spurious vector. */
#define VECTOR_PIC_BASE     0x20
#define VECTOR_IRQ_BASE     0x30
#define N_USER_IRQ_VECTORS  ARCH_N_USER_IRQS
#define VECTOR_TIMER        0xef
#define VECTOR_APIC_SPURIOUS 0xff

void apic_init(void);
void apic_eoi(void);
/* Calibrated LAPIC timer rate, for diagnostics. */
uint32_t apic_timer_khz(void);
/* The TSC's frequency in MHz measured against the PIT at boot (0: the TSC
 * did not count); the root task gets it as seL4 gives it, in the extra
 * bootinfo chunk SEL4_BOOTINFO_HEADER_X86_TSC_FREQ. */
uint32_t x86_tsc_mhz(void);
