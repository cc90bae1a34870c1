// SPDX-License-Identifier: BSD-2-Clause
/*
 * The extra bootinfo chunks seL4 gives the root task on x86 that KaaL also
 * gives: the TSC frequency (SEL4_BOOTINFO_HEADER_X86_TSC_FREQ), laid out as
 * seL4's src/arch/x86/kernel/boot.c writes it (header, len 20, uint32_t
 * MHz, the last chunk), and a value that agrees with another clock: the
 * TSC counted across one second of the CMOS RTC, with generous bounds (the
 * two are compared inside the guest; nothing depends on the host's time).
 */
#include <kaal/bootinfo.h>
#include <kaal/timing.h>

#include "ktest.h"

static const seL4_BootInfoHeader *tsc_chunk(seL4_Word *offset)
{
    const seL4_BootInfoHeader *h = kaal_bootinfo_find(env_bi, SEL4_BOOTINFO_HEADER_X86_TSC_FREQ);
    if (h && offset)
        *offset = (seL4_Word)((const char *)h - ((const char *)env_bi + seL4_BootInfoFrameSize));
    return h;
}

static uint32_t tsc_mhz(void)
{
    const seL4_BootInfoHeader *h = tsc_chunk(0);
    uint32_t mhz = 0;
    if (h)
        memcpy(&mhz, h + 1, sizeof(mhz));
    return mhz;
}

static void test_tsc_frequency_chunk_is_laid_out_as_in_sel4(void)
{
    seL4_Word offset = 0;
    const seL4_BootInfoHeader *h = tsc_chunk(&offset);
    CHECK_TRUE(h != 0);
    if (!h)
        return;
    CHECK_EQ(h->id, SEL4_BOOTINFO_HEADER_X86_TSC_FREQ);
    CHECK_EQ(h->len, sizeof(seL4_BootInfoHeader) + sizeof(uint32_t));
    CHECK_EQ(offset + h->len, env_bi->extraLen); /* last, as in seL4 */
    /* Any x86_64 TSC: above 100 MHz, below 100 GHz. */
    uint32_t mhz = tsc_mhz();
    CHECK_TRUE(mhz > 100 && mhz < 100000);
}

static uint8_t cmos_read(seL4_CPtr port, uint8_t reg)
{
    seL4_X86_IOPort_Out8(port, 0x70, reg);
    return (uint8_t)seL4_X86_IOPort_In8(port, 0x71).result;
}

/* The TSC value when the RTC's seconds register next changes, or 0 if it
 * has not after `limit` ticks. */
static uint64_t tsc_at_next_second(seL4_CPtr port, uint64_t limit)
{
    uint8_t s0 = cmos_read(port, 0x00);
    uint64_t start = kaal_rdtsc();
    for (;;) {
        uint64_t now = kaal_rdtsc();
        if (cmos_read(port, 0x00) != s0)
            return now;
        if (now - start > limit)
            return 0;
    }
}

static void test_tsc_frequency_agrees_with_the_rtc(void)
{
    uint64_t hz = (uint64_t)tsc_mhz() * 1000000u;
    CHECK_TRUE(hz != 0);
    if (!hz)
        return;
    seL4_CPtr port = env_slot();
    CHECK_OK(seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, 0x70, 0x71, ROOT, port, DEPTH));
    uint64_t a = tsc_at_next_second(port, 4 * hz);
    uint64_t b = a ? tsc_at_next_second(port, 4 * hz) : 0;
    CHECK_TRUE(a != 0 && b != 0);
    if (!a || !b)
        return;
    /* One RTC second is hz ticks if the frequency is right; allow 25%
     * either way for QEMU's timers and a busy host. */
    uint64_t ticks = b - a;
    printf("# tsc: %u MHz reported, %lu ticks in one RTC second\n", tsc_mhz(),
           (unsigned long)ticks);
    CHECK_TRUE(ticks > hz / 4 * 3 && ticks < hz / 4 * 5);
}

KTEST_LIST(bootinfo_tests) = {
    KTEST(test_tsc_frequency_chunk_is_laid_out_as_in_sel4),
    KTEST(test_tsc_frequency_agrees_with_the_rtc),
};
const unsigned n_bootinfo_tests = sizeof(bootinfo_tests) / sizeof(bootinfo_tests[0]);
