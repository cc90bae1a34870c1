/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * IOAPIC routing for user IRQs. An IRQ number (seL4's `vector` argument of
 * IRQControl_GetIOAPIC/GetMSI) selects CPU vector VECTOR_IRQ_BASE + irq.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define IOAPIC_DEFAULT_PADDR 0xFEC00000u

void ioapic_init(void);
/* Number of IOAPICs the kernel drives (0 or 1: the one at the PC address). */
unsigned ioapic_count(void);
/* Number of input pins of IOAPIC `ioapic` (0 if there is no such IOAPIC). */
unsigned ioapic_n_pins(unsigned ioapic);
/* Routes pin to irq (masked until ioapic_set_masked(.., false)). The caller
 * has checked ioapic < number of IOAPICs and pin < ioapic_n_pins(). */
void ioapic_route(unsigned ioapic, unsigned pin, bool level_triggered, bool active_low,
                  unsigned irq);
void ioapic_set_masked(unsigned ioapic, unsigned pin, bool masked);
