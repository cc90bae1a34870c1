// SPDX-License-Identifier: BSD-2-Clause
/*
 * Local APIC: enabled in xAPIC mode at the address IA32_APIC_BASE gives,
 * reached through the direct map (boot_x86.c maps non-RAM uncached). The
 * timer runs periodically at TIMER_TICK_MS, calibrated once against PIT
 * channel 2 (Intel SDM Vol. 3A §11.5.4; 8254 datasheet, mode 0): the PIT
 * counts a known 5 ms while the APIC timer counts down from its maximum.
 * The TSC is measured the same way over one PIT wrap-around (65535 ticks,
 * ~55 ms, as seL4's pc99 tsc_init does) and reported in MHz, the unit of
 * seL4's SEL4_BOOTINFO_HEADER_X86_TSC_FREQ chunk (boot_x86.c).
 * LINT0/LINT1 are masked: legacy PIC interrupts and NMIs are not used.
 * The IRR tells the kernel's preemption points an interrupt is waiting.
 */
#include <arch/apic.h>
#include <arch/io.h>
#include <kernel/interrupt.h>
#include <kernel/kprintf.h>
#include <kernel/machine.h>
#include <kernel/preemption.h>

#define MSR_APIC_BASE 0x1B
#define APIC_BASE_ENABLE (1u << 11)

#define APIC_ID       0x020
#define APIC_VERSION  0x030
#define APIC_TPR      0x080
#define APIC_EOI      0x0B0
#define APIC_IRR      0x200 /* 8 registers of 32 vectors, 16 bytes apart */
#define APIC_SVR      0x0F0
#define APIC_LVT_TIMER 0x320
#define APIC_LVT_LINT0 0x350
#define APIC_LVT_LINT1 0x360
#define APIC_LVT_ERROR 0x370
#define APIC_TIMER_INITIAL 0x380
#define APIC_TIMER_CURRENT 0x390
#define APIC_TIMER_DIVIDE  0x3E0

#define LVT_MASKED (1u << 16)
#define LVT_TIMER_PERIODIC (1u << 17)
#define SVR_ENABLE (1u << 8)

#define PIT_HZ 1193182u
#define CALIBRATE_MS 5u

#define TSC_CALIBRATE_COUNT 0xffffu /* PIT ticks: seL4's ~55 ms wrap-around */

static volatile uint32_t *apic_regs;
static uint32_t timer_khz;
static uint32_t tsc_mhz;
static uint64_t ticks;

static uint32_t apic_read(uint32_t reg)
{
    return apic_regs[reg / 4];
}

static void apic_write(uint32_t reg, uint32_t v)
{
    apic_regs[reg / 4] = v;
}

void apic_eoi(void)
{
    apic_write(APIC_EOI, 0);
}

/* seL4's apic_is_interrupt_pending: any vector from 32 up requested and
 * not yet delivered (the kernel runs with IF clear, so nothing is in
 * service). Intel SDM Vol. 3A §11.8.4. */
bool arch_irq_pending(void)
{
    for (uint32_t i = 1; i < 8; i++)
        if (apic_read(APIC_IRR + i * 0x10))
            return true;
    return false;
}

uint32_t apic_timer_khz(void)
{
    return timer_khz;
}

/* APIC timer counts (divide by 1) per millisecond. */
static uint32_t calibrate(void)
{
    uint16_t count = (uint16_t)(PIT_HZ / 1000 * CALIBRATE_MS);
    uint8_t gate = inb(0x61);
    outb(0x61, (gate & ~0x02) & ~0x01); /* speaker off, gate low */
    outb(0x43, 0xB0);                   /* channel 2, lo/hi byte, mode 0 */
    outb(0x42, count & 0xff);
    outb(0x42, count >> 8);
    apic_write(APIC_TIMER_DIVIDE, 0xB); /* divide by 1 */
    outb(0x61, (inb(0x61) & ~0x02) | 0x01); /* gate high: PIT starts */
    apic_write(APIC_TIMER_INITIAL, 0xffffffff);
    while (!(inb(0x61) & 0x20))
        ;
    uint32_t elapsed = 0xffffffff - apic_read(APIC_TIMER_CURRENT);
    apic_write(APIC_TIMER_INITIAL, 0);
    outb(0x61, gate);
    return elapsed / CALIBRATE_MS;
}

/* TSC ticks per microsecond, over TSC_CALIBRATE_COUNT PIT ticks on
 * channel 2 (mode 0). 0 if the TSC did not advance. */
static uint32_t calibrate_tsc(void)
{
    uint8_t gate = inb(0x61);
    outb(0x61, (gate & ~0x02) & ~0x01); /* speaker off, gate low */
    outb(0x43, 0xB0);                   /* channel 2, lo/hi byte, mode 0 */
    outb(0x42, TSC_CALIBRATE_COUNT & 0xff);
    outb(0x42, TSC_CALIBRATE_COUNT >> 8);
    outb(0x61, (inb(0x61) & ~0x02) | 0x01); /* gate high: PIT starts */
    uint64_t start = rdtsc();
    while (!(inb(0x61) & 0x20))
        ;
    uint64_t end = rdtsc();
    outb(0x61, gate);
    if (end <= start)
        return 0;
    /* Hz = ticks * PIT_HZ / count; < 2^64 for any window under ~4 s at
     * 4 GHz (ticks < 2^34, PIT_HZ < 2^21). */
    uint64_t hz = (end - start) * PIT_HZ / TSC_CALIBRATE_COUNT;
    return (uint32_t)(hz / 1000000u);
}

uint32_t x86_tsc_mhz(void)
{
    return tsc_mhz;
}

void apic_init(void)
{
    uint64_t base = rdmsr(MSR_APIC_BASE);
    wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
    apic_regs = paddr_to_pptr(base & 0xfffff000ull);

    apic_write(APIC_TPR, 0);
    apic_write(APIC_SVR, SVR_ENABLE | VECTOR_APIC_SPURIOUS);
    apic_write(APIC_LVT_LINT0, LVT_MASKED);
    apic_write(APIC_LVT_LINT1, LVT_MASKED);
    apic_write(APIC_LVT_ERROR, LVT_MASKED);
    apic_write(APIC_LVT_TIMER, LVT_MASKED);
    timer_khz = calibrate();
    if (timer_khz == 0)
        kpanic("APIC timer did not count during calibration");
    tsc_mhz = calibrate_tsc();
}

void arch_timer_init(void)
{
    apic_write(APIC_TIMER_DIVIDE, 0xB);
    apic_write(APIC_LVT_TIMER, LVT_TIMER_PERIODIC | VECTOR_TIMER);
    apic_write(APIC_TIMER_INITIAL, timer_khz * TIMER_TICK_MS);
    kprintf("[KaaL] timer: local APIC, %u kHz (calibrated against the PIT), tick %u ms; "
            "TSC %u MHz\n",
            timer_khz, TIMER_TICK_MS, tsc_mhz);
}

uint64_t arch_timer_ticks(void)
{
    return ticks;
}

/* Called from the trap path for VECTOR_TIMER. */
void x86_timer_interrupt(void);
void x86_timer_interrupt(void)
{
    ticks++;
    apic_eoi();
}
