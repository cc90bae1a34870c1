/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * How many IRQ numbers user space can claim through IRQControl on this
 * arch: seL4 pc99's irq_user_min..irq_user_max (16..123), numbered from 0
 * in the invocations (`irq > irq_user_max - irq_user_min` is refused with
 * RangeError 0..107). IRQ n arrives on CPU vector VECTOR_IRQ_BASE + n
 * (0x30..0x9b, as seL4's IRQ_INT_OFFSET + irq_user_min + n).
 */
#pragma once

#define ARCH_N_USER_IRQS 108
