// SPDX-License-Identifier: BSD-2-Clause
/*
 * x86 sources of user interrupts and I/O ports, seL4's x86 invocations.
 *
 * IRQControl_GetIOAPIC(root, index, depth, ioapic, pin, level, polarity,
 * vector) routes an IOAPIC pin to IRQ number `vector` (CPU vector
 * VECTOR_IRQ_BASE + vector) and issues the handler cap; the pin stays
 * masked until the first IRQHandler_Ack. GetMSI is not offered yet (no
 * PCI MSI programming in the kernel): IllegalOperation.
 *
 * IOPortControl_Issue(first, last, root, index, depth) issues a cap to a
 * port range no other issued cap overlaps; IOPort In/Out check that the
 * whole access lies in the cap's range (seL4: IllegalOperation).
 */
#include <kernel/invocation.h>
#include <kernel/ipc.h>
#include <arch/apic.h>
#include <arch/io.h>
#include <arch/ioapic.h>

static struct {
    bool routed;
    uint8_t ioapic, pin;
} lines[N_USER_IRQ_VECTORS];

static uint64_t ports_issued[65536 / 64];

void arch_irq_set_masked(unsigned irq, bool masked)
{
    if (irq < N_USER_IRQ_VECTORS && lines[irq].routed)
        ioapic_set_masked(lines[irq].ioapic, lines[irq].pin, masked);
}

static seL4_Error dest_slot(struct invocation *inv, uint64_t index, uint64_t depth, cte_t **out)
{
    if (!inv->extra[0])
        return syscall_error(seL4_TruncatedMessage);
    lookup_slot_ret_t r = cspace_lookup_target(inv->extra[0]->cap, index, depth);
    if (r.status != seL4_NoError)
        return r.status;
    if (cdt_ensure_empty(r.slot) != seL4_NoError)
        return seL4_DeleteFirst;
    *out = r.slot;
    return seL4_NoError;
}

seL4_Error arch_decode_irq_control(struct invocation *inv)
{
    if (inv->label != X86IRQIssueIRQHandlerIOAPIC)
        return syscall_error(seL4_IllegalOperation);
    if (inv->length < 7 || !inv->extra[0])
        return syscall_error(seL4_TruncatedMessage);
    uint64_t ioapic = inv->mr[2], pin = inv->mr[3], level = inv->mr[4];
    uint64_t polarity = inv->mr[5], irq = inv->mr[6];
    if (irq >= N_USER_IRQ_VECTORS)
        return error_range(0, N_USER_IRQ_VECTORS - 1);
    if (irq_is_issued((unsigned)irq))
        return syscall_error(seL4_RevokeFirst);
    cte_t *dest;
    seL4_Error e = dest_slot(inv, inv->mr[0], inv->mr[1], &dest);
    if (e != seL4_NoError)
        return e;
    if (ioapic_n_pins((unsigned)(ioapic > 255 ? 255 : ioapic)) == 0)
        return error_range(0, 0);
    if (pin >= ioapic_n_pins((unsigned)ioapic))
        return error_range(0, ioapic_n_pins((unsigned)ioapic) - 1);
    if (level > 1 || polarity > 1)
        return error_range(0, 1);
    for (unsigned i = 0; i < N_USER_IRQ_VECTORS; i++)
        if (lines[i].routed && lines[i].ioapic == ioapic && lines[i].pin == pin &&
            irq_is_issued(i))
            return syscall_error(seL4_RevokeFirst);
    ioapic_route((unsigned)ioapic, (unsigned)pin, level, polarity, (unsigned)irq);
    lines[irq].routed = true;
    lines[irq].ioapic = (uint8_t)ioapic;
    lines[irq].pin = (uint8_t)pin;
    irq_issue((unsigned)irq, inv->slot, dest);
    return seL4_NoError;
}

/* ---- I/O ports ---- */

static bool port_issued(unsigned p)
{
    return ports_issued[p / 64] & (1ull << (p % 64));
}

static void ports_mark(unsigned first, unsigned last, bool on)
{
    for (unsigned p = first; p <= last; p++) {
        if (on)
            ports_issued[p / 64] |= 1ull << (p % 64);
        else
            ports_issued[p / 64] &= ~(1ull << (p % 64));
    }
}

void arch_io_port_finalise(cap_t cap)
{
    ports_mark(cap.data & 0xffff, (cap.data >> 16) & 0xffff, false);
}

seL4_Error arch_decode_io_port_control(struct invocation *inv)
{
    if (inv->label != X86IOPortControlIssue)
        return syscall_error(seL4_IllegalOperation);
    if (inv->length < 4 || !inv->extra[0])
        return syscall_error(seL4_TruncatedMessage);
    uint64_t first = inv->mr[0], last = inv->mr[1];
    if (first > 0xffff)
        return error_invalid_argument(0);
    if (last > 0xffff || last < first)
        return error_invalid_argument(1);
    cte_t *dest;
    seL4_Error e = dest_slot(inv, inv->mr[2], inv->mr[3], &dest);
    if (e != seL4_NoError)
        return e;
    for (uint64_t p = first; p <= last; p++)
        if (port_issued((unsigned)p))
            return syscall_error(seL4_RevokeFirst);
    ports_mark((unsigned)first, (unsigned)last, true);
    cdt_insert(cap_make(cap_io_port_cap, 0, 0, first | (last << 16)), inv->slot, dest);
    return seL4_NoError;
}

seL4_Error arch_decode_io_port(struct invocation *inv)
{
    unsigned size;
    bool out;
    switch (inv->label) {
    case X86IOPortIn8: size = 1; out = false; break;
    case X86IOPortIn16: size = 2; out = false; break;
    case X86IOPortIn32: size = 4; out = false; break;
    case X86IOPortOut8: size = 1; out = true; break;
    case X86IOPortOut16: size = 2; out = true; break;
    case X86IOPortOut32: size = 4; out = true; break;
    default: return syscall_error(seL4_IllegalOperation);
    }
    if (inv->length < (out ? 2u : 1u))
        return syscall_error(seL4_TruncatedMessage);
    uint64_t port = inv->mr[0], first = inv->cap.data & 0xffff, last = (inv->cap.data >> 16) & 0xffff;
    if (port < first || port + size - 1 > last)
        return syscall_error(seL4_IllegalOperation);
    uint16_t p = (uint16_t)port;
    uint32_t v = (uint32_t)inv->mr[1];
    switch (inv->label) {
    case X86IOPortIn8: inv->reply_mr[0] = inb(p); break;
    case X86IOPortIn16: { uint16_t r; __asm__ volatile("inw %1, %0" : "=a"(r) : "Nd"(p)); inv->reply_mr[0] = r; break; }
    case X86IOPortIn32: { uint32_t r; __asm__ volatile("inl %1, %0" : "=a"(r) : "Nd"(p)); inv->reply_mr[0] = r; break; }
    case X86IOPortOut8: outb(p, (uint8_t)v); break;
    case X86IOPortOut16: __asm__ volatile("outw %0, %1" : : "a"((uint16_t)v), "Nd"(p)); break;
    default: outl(p, v); break;
    }
    inv->reply_length = out ? 0 : 1;
    return seL4_NoError;
}
