// SPDX-License-Identifier: BSD-2-Clause
/*
 * The I/O APIC (Intel 82093AA datasheet §3): indirect registers through
 * IOREGSEL/IOWIN; redirection entry n at 0x10 + 2n (low word: vector,
 * polarity bit 13, trigger bit 15, mask bit 16; high word: destination APIC
 * ID in bits 24-31). All pins start masked: a line is unmasked only when
 * user space owns it through an IRQHandler capability.
 *
 * Deviation from seL4: the IOAPIC is taken at its standard PC address
 * (QEMU's pc and q35 machines) instead of from the ACPI MADT, which the
 * kernel does not parse; the capability broker reads the MADT in user space.
 */
#include <arch/apic.h>
#include <arch/ioapic.h>
#include <kernel/kprintf.h>
#include <kernel/machine.h>

#define IOREGSEL 0x00
#define IOWIN    0x10
#define IOAPIC_VER 0x01
#define REDIR(n) (0x10 + 2 * (n))

#define REDIR_ACTIVE_LOW (1u << 13)
#define REDIR_LEVEL      (1u << 15)
#define REDIR_MASKED     (1u << 16)

static volatile uint32_t *regs;
static unsigned n_pins;

static uint32_t ioapic_read(uint32_t reg)
{
    regs[IOREGSEL / 4] = reg;
    return regs[IOWIN / 4];
}

static void ioapic_write(uint32_t reg, uint32_t v)
{
    regs[IOREGSEL / 4] = reg;
    regs[IOWIN / 4] = v;
}

void ioapic_init(void)
{
    regs = paddr_to_pptr(IOAPIC_DEFAULT_PADDR);
    uint32_t ver = ioapic_read(IOAPIC_VER);
    n_pins = ((ver >> 16) & 0xff) + 1;
    if ((ver & 0xff) == 0xff || n_pins > 240) {
        kprintf("[KaaL] no IOAPIC at %#x: user IRQs unavailable\n", IOAPIC_DEFAULT_PADDR);
        n_pins = 0;
        return;
    }
    for (unsigned pin = 0; pin < n_pins; pin++) {
        ioapic_write(REDIR(pin) + 1, 0);
        ioapic_write(REDIR(pin), REDIR_MASKED);
    }
    kprintf("[KaaL] IOAPIC at %#x: %u pins\n", IOAPIC_DEFAULT_PADDR, n_pins);
}

unsigned ioapic_count(void)
{
    return n_pins ? 1 : 0;
}

unsigned ioapic_n_pins(unsigned ioapic)
{
    return ioapic == 0 ? n_pins : 0;
}

void ioapic_route(unsigned ioapic, unsigned pin, bool level_triggered, bool active_low,
                  unsigned irq)
{
    (void)ioapic;
    uint32_t low = (VECTOR_IRQ_BASE + irq) | REDIR_MASKED | (level_triggered ? REDIR_LEVEL : 0) |
                   (active_low ? REDIR_ACTIVE_LOW : 0);
    ioapic_write(REDIR(pin) + 1, 0); /* destination: APIC ID 0, the boot CPU */
    ioapic_write(REDIR(pin), low);
}

void ioapic_set_masked(unsigned ioapic, unsigned pin, bool masked)
{
    (void)ioapic;
    uint32_t low = ioapic_read(REDIR(pin));
    ioapic_write(REDIR(pin), masked ? low | REDIR_MASKED : low & ~REDIR_MASKED);
}
