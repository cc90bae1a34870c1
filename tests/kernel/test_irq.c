// SPDX-License-Identifier: BSD-2-Clause
/*
 * IRQControl on x86_64 as seL4 pc99 decodes it: IRQ numbers 0..107
 * (irq_user_max - irq_user_min), GetIOAPIC and GetMSI with their checks in
 * seL4's order and seL4's error details, and one MSI delivered end to end:
 * QEMU's `edu` PCI device (tools/testrun.py adds `-device edu` to the
 * kernel-test machine) is programmed with an MSI for IRQ 100 and told to
 * raise it; the handler's notification must be signalled.
 */
#include "ktest.h"

#define N_USER_IRQS 108 /* seL4 pc99: irq_user_max - irq_user_min + 1 */
#define IRQ_VECTOR_OFFSET 0x30 /* IRQ_INT_OFFSET + irq_user_min */
#define FREE_PIN_A 9            /* IOAPIC inputs no test device uses on QEMU pc */
#define FREE_PIN_B 10
#define FREE_PIN_C 11

/* A nonzero RangeError with this minimum and maximum (MR0, MR1). */
#define CHECK_RANGE(expr, lo, hi)                                                          \
    do {                                                                                   \
        CHECK_ERR(expr, seL4_RangeError);                                                  \
        CHECK_EQ(seL4_GetMR(0), lo);                                                       \
        CHECK_EQ(seL4_GetMR(1), hi);                                                       \
    } while (0)

static seL4_Error get_ioapic(seL4_CPtr slot, seL4_Word pin, seL4_Word irq)
{
    return seL4_IRQControl_GetIOAPIC(seL4_CapIRQControl, ROOT, slot, DEPTH, 0, pin, 0, 0, irq);
}

static seL4_Error get_msi(seL4_CPtr slot, seL4_Word bus, seL4_Word dev, seL4_Word func,
                          seL4_Word irq)
{
    return seL4_IRQControl_GetMSI(seL4_CapIRQControl, ROOT, slot, DEPTH, bus, dev, func, 0, irq);
}

/* seL4 pc99 has no generic IRQ numbers: IRQControl_Get is refused (oracle C). */
static void test_generic_irq_control_get_is_illegal_on_x86(void)
{
    seL4_CPtr slot = env_slot();
    CHECK_ERR(seL4_IRQControl_Get(seL4_CapIRQControl, 5, ROOT, slot, DEPTH),
              seL4_IllegalOperation);
    /* Nothing was put there: copying from the slot finds no cap. */
    CHECK_ERR(seL4_CNode_Copy(ROOT, env_slot(), DEPTH, ROOT, slot, DEPTH, seL4_AllRights),
              seL4_FailedLookup);
}

static void test_get_ioapic_accepts_sel4s_whole_irq_range(void)
{
    seL4_CPtr a = env_slot(), b = env_slot(), c = env_slot();
    CHECK_OK(get_ioapic(a, FREE_PIN_A, 64));
    CHECK_OK(get_ioapic(b, FREE_PIN_B, 100));
    CHECK_OK(get_ioapic(c, FREE_PIN_C, N_USER_IRQS - 1));
    CHECK_RANGE(get_ioapic(env_slot(), 12, N_USER_IRQS), 0, N_USER_IRQS - 1);
    CHECK_RANGE(get_ioapic(env_slot(), 12, ~0ul), 0, N_USER_IRQS - 1);
    CHECK_ERR(get_ioapic(env_slot(), 12, 100), seL4_RevokeFirst);
    CHECK_OK(seL4_IRQHandler_Ack(c));
    CHECK_OK(seL4_IRQHandler_Clear(c));
    /* Deleting the handler frees the number. */
    CHECK_OK(seL4_CNode_Delete(ROOT, c, DEPTH));
    CHECK_OK(get_ioapic(c, FREE_PIN_C, N_USER_IRQS - 1));
}

/* seL4's order: length and root, irq range, irq in use, destination slot,
 * then IOAPIC number, pin, level, polarity (KaaL: then pin owner). */
static void test_get_ioapic_checks_come_in_sel4s_order(void)
{
    const seL4_Word top = N_USER_IRQS - 1;
    seL4_CPtr used = env_slot(), occupied = env_object(seL4_NotificationObject, 0);
    CHECK_OK(get_ioapic(used, FREE_PIN_A, top));
    /* irq out of range beats an occupied slot and a bad pin */
    CHECK_RANGE(seL4_IRQControl_GetIOAPIC(seL4_CapIRQControl, ROOT, occupied, DEPTH, 0, 999, 0,
                                          0, N_USER_IRQS),
                0, top);
    /* irq in use beats an occupied slot and a bad pin */
    CHECK_ERR(seL4_IRQControl_GetIOAPIC(seL4_CapIRQControl, ROOT, occupied, DEPTH, 0, 999, 0, 0,
                                        top),
              seL4_RevokeFirst);
    /* an occupied slot beats a bad pin, a bad IOAPIC and a bad level */
    CHECK_ERR(seL4_IRQControl_GetIOAPIC(seL4_CapIRQControl, ROOT, occupied, DEPTH, 7, 999, 5, 5,
                                        top - 1),
              seL4_DeleteFirst);
    /* a depth the root cannot resolve beats everything after it */
    CHECK_ERR(seL4_IRQControl_GetIOAPIC(seL4_CapIRQControl, ROOT, env_slot(), 65, 0, 999, 0, 0,
                                        top - 1),
              seL4_RangeError);
    CHECK_EQ(seL4_GetMR(0), 1);
    CHECK_EQ(seL4_GetMR(1), 64);
    seL4_CPtr dest = env_slot();
    /* the IOAPIC number (one IOAPIC: 0..0) before the pin */
    CHECK_RANGE(seL4_IRQControl_GetIOAPIC(seL4_CapIRQControl, ROOT, dest, DEPTH, 1, 999, 0, 0,
                                          top - 1),
                0, 0);
    /* the pin (QEMU's IOAPIC has 24) before level and polarity */
    CHECK_RANGE(seL4_IRQControl_GetIOAPIC(seL4_CapIRQControl, ROOT, dest, DEPTH, 0, 24, 2, 2,
                                          top - 1),
                0, 23);
    CHECK_RANGE(seL4_IRQControl_GetIOAPIC(seL4_CapIRQControl, ROOT, dest, DEPTH, 0, 23, 2, 0,
                                          top - 1),
                0, 1);
    CHECK_RANGE(seL4_IRQControl_GetIOAPIC(seL4_CapIRQControl, ROOT, dest, DEPTH, 0, 23, 0, 2,
                                          top - 1),
                0, 1);
    /* KaaL: a pin an issued handler owns, after all of seL4's checks */
    CHECK_RANGE(seL4_IRQControl_GetIOAPIC(seL4_CapIRQControl, ROOT, dest, DEPTH, 0, FREE_PIN_A, 0,
                                          2, top - 1),
                0, 1);
    CHECK_ERR(get_ioapic(dest, FREE_PIN_A, top - 1), seL4_RevokeFirst);
    /* a message of 6 words is truncated, whatever it holds */
    CHECK_ERR(seL4__simple_call(seL4_CapIRQControl, X86IRQIssueIRQHandlerIOAPIC, 1, 6, dest,
                                DEPTH, 0, 999),
              seL4_TruncatedMessage);
    /* nothing was issued by the failures */
    CHECK_OK(get_ioapic(dest, FREE_PIN_B, top - 1));
}

static void test_get_msi_checks_come_in_sel4s_order(void)
{
    const seL4_Word top = N_USER_IRQS - 1;
    seL4_CPtr used = env_slot(), occupied = env_object(seL4_NotificationObject, 0);
    CHECK_OK(get_msi(used, 0, 3, 0, top));
    CHECK_RANGE(seL4_IRQControl_GetMSI(seL4_CapIRQControl, ROOT, occupied, DEPTH, 256, 32, 8, 0,
                                       N_USER_IRQS),
                0, top);
    CHECK_ERR(seL4_IRQControl_GetMSI(seL4_CapIRQControl, ROOT, occupied, DEPTH, 256, 32, 8, 0,
                                     top),
              seL4_RevokeFirst);
    CHECK_ERR(seL4_IRQControl_GetMSI(seL4_CapIRQControl, ROOT, occupied, DEPTH, 256, 32, 8, 0, 0),
              seL4_DeleteFirst);
    seL4_CPtr dest = env_slot();
    CHECK_RANGE(get_msi(dest, 256, 32, 8, 0), 0, 255);
    CHECK_RANGE(get_msi(dest, 255, 32, 8, 0), 0, 31);
    CHECK_RANGE(get_msi(dest, 255, 31, 8, 0), 0, 7);
    CHECK_ERR(seL4__simple_call(seL4_CapIRQControl, X86IRQIssueIRQHandlerMSI, 1, 6, dest, DEPTH,
                                0, 0),
              seL4_TruncatedMessage);
    /* the edges of every range are accepted; the handle is not checked */
    CHECK_OK(seL4_IRQControl_GetMSI(seL4_CapIRQControl, ROOT, dest, DEPTH, 255, 31, 7, ~0ul, 0));
    /* MSI and IOAPIC handlers share the numbers */
    CHECK_ERR(get_ioapic(env_slot(), FREE_PIN_A, 0), seL4_RevokeFirst);
    CHECK_ERR(get_msi(env_slot(), 0, 0, 0, 0), seL4_RevokeFirst);
    /* an MSI handler takes the handler invocations (Ack unmasks nothing) */
    seL4_CPtr n = env_object(seL4_NotificationObject, 0);
    CHECK_OK(seL4_IRQHandler_SetNotification(dest, n));
    CHECK_OK(seL4_IRQHandler_Ack(dest));
    CHECK_OK(seL4_IRQHandler_Clear(dest));
    CHECK_OK(seL4_CNode_Delete(ROOT, dest, DEPTH));
    CHECK_OK(get_ioapic(dest, FREE_PIN_A, 0));
}

/* ---- an MSI end to end: QEMU's edu device ---- */

#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA    0xcfc
#define EDU_VENDOR_DEVICE  0x11e81234u
#define EDU_ID             0x00
#define EDU_RAISE          0x60 /* write: raise an interrupt with these status bits */
#define EDU_ACK            0x64 /* write: clear these status bits */
#define PCI_CAP_MSI        0x05
#define EDU_BAR_PADDR      0xe0000000u /* device memory on QEMU pc with 512 MiB */
#define EDU_BAR_BYTES      0x100000u
#define MSI_IRQ            100 /* above the old limit of 63 */

static seL4_CPtr pci_ports;

static uint32_t pci_read32(unsigned dev, unsigned off)
{
    seL4_X86_IOPort_Out32(pci_ports, PCI_CONFIG_ADDRESS, 0x80000000u | dev << 11 | (off & 0xfc));
    return seL4_X86_IOPort_In32(pci_ports, PCI_CONFIG_DATA).result;
}

static void pci_write32(unsigned dev, unsigned off, uint32_t v)
{
    seL4_X86_IOPort_Out32(pci_ports, PCI_CONFIG_ADDRESS, 0x80000000u | dev << 11 | (off & 0xfc));
    seL4_X86_IOPort_Out32(pci_ports, PCI_CONFIG_DATA, v);
}

/* A 4 KiB device frame at paddr: the device untyped covering it is used up
 * to paddr by untyped children of decreasing size (each one aligned, as
 * the watermark needs), then one frame is retyped there. */
static seL4_CPtr device_frame_at(seL4_Word paddr)
{
    for (seL4_Word i = 0; i < env_bi->untyped.end - env_bi->untyped.start; i++) {
        const seL4_UntypedDesc *d = &env_bi->untypedList[i];
        if (!d->isDevice || paddr < d->paddr || paddr - d->paddr >= (1ul << d->sizeBits))
            continue;
        seL4_CPtr ut = env_bi->untyped.start + i;
        seL4_Word offset = paddr - d->paddr;
        for (int bit = d->sizeBits - 1; bit >= 12; bit--)
            if (offset & (1ul << bit))
                CHECK_OK(seL4_Untyped_Retype(ut, seL4_UntypedObject, (seL4_Word)bit, ROOT, 0, 0,
                                             env_slot(), 1));
        seL4_CPtr f = env_slot();
        CHECK_OK(seL4_Untyped_Retype(ut, seL4_X86_4K, 0, ROOT, 0, 0, f, 1));
        seL4_X86_Page_GetAddress_t a = seL4_X86_Page_GetAddress(f);
        CHECK_EQ(a.paddr, paddr);
        return f; /* the slots' cleanup deletes the children: the untyped is whole again */
    }
    return 0;
}

static unsigned find_edu(void)
{
    for (unsigned dev = 0; dev < 32; dev++)
        if (pci_read32(dev, 0) == EDU_VENDOR_DEVICE)
            return dev;
    return 32;
}

static unsigned find_cap(unsigned dev, unsigned id)
{
    if (!(pci_read32(dev, 0x04) & (1u << 20))) /* status: capability list */
        return 0;
    unsigned off = pci_read32(dev, 0x34) & 0xfc;
    for (int n = 0; off && n < 48; n++) {
        uint32_t w = pci_read32(dev, off);
        if ((w & 0xff) == id)
            return off;
        off = (w >> 8) & 0xfc;
    }
    return 0;
}

/* Signals on n within a bounded number of kernel entries (an MSI that
 * arrived is taken at the next instruction boundary in user mode). */
static seL4_Word poll_badge(seL4_CPtr n)
{
    for (int i = 0; i < 1000; i++) {
        seL4_Word badge = 0;
        seL4_Poll(n, &badge);
        if (badge)
            return badge;
        seL4_Yield();
    }
    return 0;
}

static void test_msi_from_a_pci_device_signals_the_handlers_notification(void)
{
    pci_ports = env_slot();
    CHECK_OK(seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, PCI_CONFIG_ADDRESS,
                                          PCI_CONFIG_DATA + 3, ROOT, pci_ports, DEPTH));
    unsigned dev = find_edu();
    if (dev == 32) {
        CHECK_EQ(dev, 0); /* no edu device: QEMU needs -device edu */
        return;
    }
    /* The firmware (qboot) leaves BARs to the OS: place the 1 MiB BAR0
     * where no other bus-0 BAR is. */
    uint32_t bar0 = EDU_BAR_PADDR;
    for (unsigned other = 0; other < 32; other++)
        for (unsigned b = 0; other != dev && pci_read32(other, 0) != 0xffffffffu && b < 6; b++) {
            uint32_t v = pci_read32(other, 0x10 + 4 * b);
            CHECK_TRUE((v & 1) || (v & ~0xfu) < bar0 || (v & ~0xfu) >= bar0 + EDU_BAR_BYTES);
        }
    pci_write32(dev, 0x10, bar0);
    CHECK_EQ(pci_read32(dev, 0x10) & ~0xfu, bar0);
    unsigned msi = find_cap(dev, PCI_CAP_MSI);
    CHECK_TRUE(msi != 0);
    if (!msi)
        return;
    seL4_CPtr frame = device_frame_at(bar0);
    if (!frame)
        return;
    env_map_tables(ENV_VADDR);
    CHECK_OK(seL4_X86_Page_Map(frame, seL4_CapInitThreadVSpace, ENV_VADDR, seL4_ReadWrite,
                               seL4_X86_CacheDisabled));
    volatile uint32_t *edu = (volatile uint32_t *)ENV_VADDR;

    /* Memory space and bus mastering on (an MSI is a DMA write), INTx off. */
    uint32_t cmd = pci_read32(dev, 0x04) & 0xffff;
    pci_write32(dev, 0x04, cmd | 0x2 | 0x4 | 0x400);
    CHECK_EQ(edu[EDU_ID / 4] & 0xff, 0xed);

    seL4_CPtr irq = env_slot(), n = env_object(seL4_NotificationObject, 0), nb = env_slot();
    CHECK_OK(get_msi(irq, 0, dev, 0, MSI_IRQ));
    CHECK_OK(seL4_CNode_Mint(ROOT, nb, DEPTH, ROOT, n, DEPTH, seL4_AllRights, 0x40));
    CHECK_OK(seL4_IRQHandler_SetNotification(irq, nb));
    CHECK_OK(seL4_IRQHandler_Ack(irq));

    /* MSI: address 0xfee00000 (APIC ID 0, physical), data = the vector. */
    uint32_t ctl = pci_read32(dev, msi) >> 16;
    bool is64 = ctl & (1u << 7);
    pci_write32(dev, msi + 4, 0xfee00000u);
    if (is64)
        pci_write32(dev, msi + 8, 0);
    pci_write32(dev, msi + (is64 ? 12 : 8), IRQ_VECTOR_OFFSET + MSI_IRQ);
    pci_write32(dev, msi, (pci_read32(dev, msi) & 0xffff) | (1u << 16)); /* MSI enable, 1 vector */

    for (int round = 0; round < 3; round++) {
        edu[EDU_RAISE / 4] = 1;
        CHECK_EQ(poll_badge(n), 0x40);
        edu[EDU_ACK / 4] = 1;
        CHECK_OK(seL4_IRQHandler_Ack(irq));
    }
    /* seL4 cannot mask an MSI: a second one before Ack signals again. */
    edu[EDU_RAISE / 4] = 1;
    CHECK_EQ(poll_badge(n), 0x40);
    edu[EDU_ACK / 4] = 1;
    edu[EDU_RAISE / 4] = 1;
    CHECK_EQ(poll_badge(n), 0x40);
    edu[EDU_ACK / 4] = 1;
    CHECK_OK(seL4_IRQHandler_Ack(irq));

    /* Without a handler the interrupt is dropped and nothing is signalled. */
    CHECK_OK(seL4_CNode_Delete(ROOT, irq, DEPTH));
    edu[EDU_RAISE / 4] = 1;
    seL4_Yield();
    seL4_Word badge = 0;
    seL4_Poll(n, &badge);
    CHECK_EQ(badge, 0);
    edu[EDU_ACK / 4] = 1;

    pci_write32(dev, msi, pci_read32(dev, msi) & 0xffff); /* MSI off */
    pci_write32(dev, 0x04, cmd);
    pci_write32(dev, 0x10, 0);
}

KTEST_LIST(irq_tests) = {
    KTEST(test_generic_irq_control_get_is_illegal_on_x86),
    KTEST(test_get_ioapic_accepts_sel4s_whole_irq_range),
    KTEST(test_get_ioapic_checks_come_in_sel4s_order),
    KTEST(test_get_msi_checks_come_in_sel4s_order),
    KTEST(test_msi_from_a_pci_device_signals_the_handlers_notification),
};
const unsigned n_irq_tests = sizeof(irq_tests) / sizeof(irq_tests[0]);
