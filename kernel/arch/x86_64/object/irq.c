// SPDX-License-Identifier: BSD-2-Clause
/*
 * x86 sources of user interrupts and I/O ports, seL4's x86 invocations.
 *
 * IRQ numbers 0..ARCH_N_USER_IRQS-1 (seL4 pc99's user range, 0..107) are
 * CPU vectors VECTOR_IRQ_BASE + irq. Both IRQControl invocations decode as
 * seL4's Arch_decodeIRQControlInvocation, in its order: label, length and
 * root cap (TruncatedMessage), irq range (RangeError 0..107), irq already
 * issued (RevokeFirst), destination slot (lookup, then DeleteFirst), then
 * the source's own arguments.
 *
 * GetIOAPIC(root, index, depth, ioapic, pin, level, polarity, irq) routes
 * an IOAPIC pin to the irq's vector; the pin stays masked until the first
 * IRQHandler_Ack, and is masked again each time it fires. KaaL refuses a
 * pin that an issued handler already owns (RevokeFirst, after all of
 * seL4's checks); seL4 silently re-routes it.
 *
 * GetMSI(root, index, depth, pci_bus, pci_dev, pci_func, handle, irq)
 * checks the PCI address (RangeError 0..255, 0..31, 0..7) and issues the
 * handler; like seL4 without an IOMMU it trusts the caller, who programs
 * the device's MSI capability (address 0xfee00000 | APIC ID 0 << 12, data
 * VECTOR_IRQ_BASE + irq, fixed delivery, edge). An MSI cannot be masked
 * here: Ack has nothing to unmask, and the LAPIC EOI the trap path sends
 * is the whole acknowledgement.
 *
 * IOPortControl_Issue(first, last, root, index, depth) issues a cap to a
 * port range no other issued cap overlaps; IOPort In/Out check that the
 * whole access lies in the cap's range (seL4: IllegalOperation).
 *
 * Each decoder checks everything without side effects and ends with an
 * invoke_* step that cannot fail.
 */
#include <kernel/invocation.h>
#include <kernel/ipc.h>
#include <arch/apic.h>
#include <arch/io.h>
#include <arch/ioapic.h>

#define PCI_BUS_MAX  255
#define PCI_DEV_MAX  31
#define PCI_FUNC_MAX 7

/* Where each IRQ number's interrupts come from (set when it is issued;
 * only meaningful while irq_is_issued()). */
static struct {
    enum { IRQ_SOURCE_NONE, IRQ_SOURCE_IOAPIC, IRQ_SOURCE_MSI } source;
    uint8_t ioapic, pin;
} lines[N_USER_IRQ_VECTORS];

static uint64_t ports_issued[65536 / 64];

void arch_irq_set_masked(unsigned irq, bool masked)
{
    if (irq < N_USER_IRQ_VECTORS && lines[irq].source == IRQ_SOURCE_IOAPIC)
        ioapic_set_masked(lines[irq].ioapic, lines[irq].pin, masked);
}

/* The empty destination slot (root = first extra cap, index, depth). */
static lookup_slot_ret_t dest_slot(const struct invocation *inv, uint64_t index, uint64_t depth)
{
    if (!inv->extra[0])
        return (lookup_slot_ret_t){ syscall_error(seL4_TruncatedMessage), NULL };
    lookup_slot_ret_t r = cspace_lookup_target(inv->extra[0]->cap, index, depth);
    if (r.status == seL4_NoError && !cte_is_empty(r.slot))
        return (lookup_slot_ret_t){ syscall_error(seL4_DeleteFirst), NULL };
    return r;
}

static void invoke_irq_control_issue_msi(unsigned irq, cte_t *control, cte_t *dest)
{
    lines[irq].source = IRQ_SOURCE_MSI;
    irq_issue(irq, control, dest);
}

static void invoke_irq_control_issue_ioapic(unsigned irq, unsigned ioapic, unsigned pin,
                                            uint64_t level, uint64_t polarity, cte_t *control,
                                            cte_t *dest)
{
    ioapic_route(ioapic, pin, level, polarity, irq);
    lines[irq].source = IRQ_SOURCE_IOAPIC;
    lines[irq].ioapic = (uint8_t)ioapic;
    lines[irq].pin = (uint8_t)pin;
    irq_issue(irq, control, dest);
}

/* seL4's ioapic_decode_map_pin_to_vector, then KaaL's one-owner-per-pin. */
static seL4_Error decode_ioapic_source(uint64_t ioapic, uint64_t pin, uint64_t level,
                                       uint64_t polarity)
{
    unsigned n_ioapics = ioapic_count();
    if (n_ioapics == 0)
        return syscall_error(seL4_IllegalOperation);
    if (ioapic >= n_ioapics)
        return error_range(0, n_ioapics - 1);
    unsigned n_pins = ioapic_n_pins((unsigned)ioapic);
    if (pin >= n_pins)
        return error_range(0, n_pins - 1);
    if (level > 1 || polarity > 1)
        return error_range(0, 1);
    for (unsigned i = 0; i < N_USER_IRQ_VECTORS; i++)
        if (lines[i].source == IRQ_SOURCE_IOAPIC && lines[i].ioapic == ioapic &&
            lines[i].pin == pin && irq_is_issued(i))
            return syscall_error(seL4_RevokeFirst);
    return seL4_NoError;
}

static seL4_Error decode_msi_source(uint64_t bus, uint64_t dev, uint64_t func)
{
    if (bus > PCI_BUS_MAX)
        return error_range(0, PCI_BUS_MAX);
    if (dev > PCI_DEV_MAX)
        return error_range(0, PCI_DEV_MAX);
    if (func > PCI_FUNC_MAX)
        return error_range(0, PCI_FUNC_MAX);
    return seL4_NoError;
}

seL4_Error arch_decode_irq_control(struct invocation *inv)
{
    if (inv->label != X86IRQIssueIRQHandlerIOAPIC && inv->label != X86IRQIssueIRQHandlerMSI)
        return syscall_error(seL4_IllegalOperation);
    if (inv->length < 7 || !inv->extra[0])
        return syscall_error(seL4_TruncatedMessage);
    uint64_t irq = inv->mr[6];
    if (irq >= N_USER_IRQ_VECTORS)
        return error_range(0, N_USER_IRQ_VECTORS - 1);
    if (irq_is_issued((unsigned)irq))
        return syscall_error(seL4_RevokeFirst);
    lookup_slot_ret_t dest = dest_slot(inv, inv->mr[0], inv->mr[1]);
    if (dest.status != seL4_NoError)
        return dest.status;
    if (inv->label == X86IRQIssueIRQHandlerMSI) {
        /* mr[5], the MSI data "handle", is not needed without an IOMMU. */
        seL4_Error e = decode_msi_source(inv->mr[2], inv->mr[3], inv->mr[4]);
        if (e != seL4_NoError)
            return e;
        invoke_irq_control_issue_msi((unsigned)irq, inv->slot, dest.slot);
        return seL4_NoError;
    }
    uint64_t ioapic = inv->mr[2], pin = inv->mr[3], level = inv->mr[4], polarity = inv->mr[5];
    seL4_Error e = decode_ioapic_source(ioapic, pin, level, polarity);
    if (e != seL4_NoError)
        return e;
    invoke_irq_control_issue_ioapic((unsigned)irq, (unsigned)ioapic, (unsigned)pin, level,
                                    polarity, inv->slot, dest.slot);
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

static void invoke_io_port_control_issue(unsigned first, unsigned last, cte_t *control,
                                         cte_t *dest)
{
    ports_mark(first, last, true);
    cdt_insert(cap_make(cap_io_port_cap, 0, 0, first | ((uint64_t)last << 16)), control, dest);
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
    lookup_slot_ret_t dest = dest_slot(inv, inv->mr[2], inv->mr[3]);
    if (dest.status != seL4_NoError)
        return dest.status;
    for (uint64_t p = first; p <= last; p++)
        if (port_issued((unsigned)p))
            return syscall_error(seL4_RevokeFirst);
    invoke_io_port_control_issue((unsigned)first, (unsigned)last, inv->slot, dest.slot);
    return seL4_NoError;
}

/* The access itself (the decoder checked the range). */
static void invoke_io_port(struct invocation *inv, uint16_t p, uint32_t v, bool out)
{
    switch (inv->label) {
    case X86IOPortIn8: inv->reply_mr[0] = inb(p); break;
    case X86IOPortIn16: { uint16_t r; __asm__ volatile("inw %1, %0" : "=a"(r) : "Nd"(p)); inv->reply_mr[0] = r; break; }
    case X86IOPortIn32: { uint32_t r; __asm__ volatile("inl %1, %0" : "=a"(r) : "Nd"(p)); inv->reply_mr[0] = r; break; }
    case X86IOPortOut8: outb(p, (uint8_t)v); break;
    case X86IOPortOut16: __asm__ volatile("outw %0, %1" : : "a"((uint16_t)v), "Nd"(p)); break;
    default: outl(p, v); break;
    }
    inv->reply_length = out ? 0 : 1;
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
    invoke_io_port(inv, (uint16_t)port, (uint32_t)inv->mr[1], out);
    return seL4_NoError;
}
