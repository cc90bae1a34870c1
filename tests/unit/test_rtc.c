// SPDX-License-Identifier: BSD-2-Clause
/* The CMOS RTC driver (drivers/rtc/) through the DDDK against the CMOS
 * model (tests/unit/dddk/simcmos.c): every encoding mode, the
 * update-in-progress handshake, an update landing between two reads, a
 * clock stuck in update, bad register contents, and the RPC service. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <kaal/dddk.h>
#include <rtc/rtc.h>

#include "dddk/fake_platform.h"
#include "dddk/simcmos.h"

#define B_24H 0x02
#define B_BINARY 0x04

struct fixture {
    simcmos_t cmos;
    fake_platform_t fp;
    kaal_dddk_device_t dev;
};

static uint8_t cmos_read(void *dev, uint16_t offset)
{
    return simcmos_read(dev, offset);
}

static void cmos_write(void *dev, uint16_t offset, uint8_t value)
{
    simcmos_write(dev, offset, value);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    simcmos_init(&f->cmos, 2026, 11, 25, 13, 45, 7, B_24H);
    fake_platform_init(&f->fp);
    fake_platform_isa_bundle(&f->fp, 0x70, 2, false);
    f->fp.io = (fake_io_device_t){&f->cmos, cmos_read, cmos_write, NULL};
    if (kaal_dddk_start(&f->dev, &kaal_driver_rtc, &f->fp.ops) != KAAL_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    free(*state);
    return 0;
}

static void expect_time(struct fixture *f, int year, int month, int day, int hour, int minute,
                        int second)
{
    rtc_time_t t;
    assert_int_equal(rtc_read(kaal_dddk_io(&f->dev, 0), &t), KAAL_OK);
    assert_int_equal(t.year, year);
    assert_int_equal(t.month, month);
    assert_int_equal(t.day, day);
    assert_int_equal(t.hour, hour);
    assert_int_equal(t.minute, minute);
    assert_int_equal(t.second, second);
}

static void set_time(struct fixture *f, int year, int month, int day, int hour, int minute,
                     int second, uint8_t reg_b)
{
    simcmos_init(&f->cmos, year, month, day, hour, minute, second, reg_b);
}

static void test_reads_bcd_24_hour_time(void **state)
{
    struct fixture *f = *state;
    expect_time(f, 2026, 11, 25, 13, 45, 7);
    assert_false(f->cmos.nmi_disabled);
    assert_int_equal(f->cmos.n_writes_to_data, 0); /* never sets the clock */
}

static void test_reads_binary_24_hour_time(void **state)
{
    struct fixture *f = *state;
    set_time(f, 1999, 2, 28, 23, 59, 58, B_24H | B_BINARY);
    expect_time(f, 1999, 2, 28, 23, 59, 58);
}

static void test_reads_12_hour_mode_in_bcd_and_binary(void **state)
{
    struct fixture *f = *state;
    static const int hours[] = {0, 1, 11, 12, 13, 23};
    for (int mode = 0; mode < 2; mode++) {
        for (size_t i = 0; i < sizeof(hours) / sizeof(hours[0]); i++) {
            set_time(f, 2030, 6, 15, hours[i], 30, 0, mode ? B_BINARY : 0);
            expect_time(f, 2030, 6, 15, hours[i], 30, 0);
        }
    }
    /* and the raw encoding really was 12-hour: 13:00 is PM 1 */
    set_time(f, 2030, 6, 15, 13, 0, 0, 0);
    f->cmos.index = 0x04;
    assert_int_equal(simcmos_read(&f->cmos, 1), 0x81);
}

static void test_waits_while_update_in_progress(void **state)
{
    struct fixture *f = *state;
    f->cmos.uip_reads = 5;
    unsigned before = f->cmos.n_reg_a_reads;
    expect_time(f, 2026, 11, 25, 13, 45, 7);
    assert_true(f->cmos.n_reg_a_reads - before >= 7); /* 5 busy, then one per snapshot */
}

static void test_update_between_reads_never_mixes_old_and_new_fields(void **state)
{
    struct fixture *f = *state;
    /* new year's eve: an update after the seconds were read would give
     * 2026-12-31 23:59:59 -> seconds 59 with minutes, hours, ... of 2027 */
    for (int tick_at = 1; tick_at <= 14; tick_at++) {
        set_time(f, 2026, 12, 31, 23, 59, 59, B_24H);
        f->cmos.tick_at_data_read = tick_at;
        rtc_time_t t;
        assert_int_equal(rtc_read(kaal_dddk_io(&f->dev, 0), &t), KAAL_OK);
        bool old = t.year == 2026 && t.month == 12 && t.day == 31 && t.hour == 23 &&
                   t.minute == 59 && t.second == 59;
        bool new = t.year == 2027 && t.month == 1 && t.day == 1 && t.hour == 0 && t.minute == 0 &&
                   t.second == 0;
        if (!old && !new)
            fail_msg("tick at read %d gave a mixed time %u-%u-%u %u:%u:%u", tick_at, t.year,
                     t.month, t.day, t.hour, t.minute, t.second);
    }
}

static void test_clock_stuck_in_update_is_busy_not_a_hang(void **state)
{
    struct fixture *f = *state;
    f->cmos.uip_forever = true;
    rtc_time_t t;
    assert_int_equal(rtc_read(kaal_dddk_io(&f->dev, 0), &t), KAAL_EBUSY);
}

static void test_missing_century_register_falls_back_by_year(void **state)
{
    struct fixture *f = *state;
    set_time(f, 2026, 1, 2, 3, 4, 5, B_24H);
    f->cmos.century_valid = false;
    expect_time(f, 2026, 1, 2, 3, 4, 5);
    set_time(f, 1985, 1, 2, 3, 4, 5, B_24H);
    f->cmos.century_valid = false;
    expect_time(f, 1985, 1, 2, 3, 4, 5);
}

static void test_invalid_registers_are_a_format_error(void **state)
{
    struct fixture *f = *state;
    rtc_time_t t;
    f->cmos.raw_override[0x02] = 0x6a; /* minutes: 'a' is not a BCD digit */
    assert_int_equal(rtc_read(kaal_dddk_io(&f->dev, 0), &t), KAAL_EFORMAT);
    f->cmos.raw_override[0x02] = 0;
    f->cmos.raw_override[0x08] = 0x13; /* month 13 */
    assert_int_equal(rtc_read(kaal_dddk_io(&f->dev, 0), &t), KAAL_EFORMAT);
    f->cmos.raw_override[0x08] = 0;
    f->cmos.reg_b = 0;                 /* 12-hour */
    f->cmos.raw_override[0x04] = 0x13; /* hour 13 in 12-hour mode */
    assert_int_equal(rtc_read(kaal_dddk_io(&f->dev, 0), &t), KAAL_EFORMAT);
}

static void test_rpc_read_returns_packed_time(void **state)
{
    struct fixture *f = *state;
    fake_platform_add_rpc(&f->fp, 5, RTC_RPC_READ);
    fake_platform_add_rpc(&f->fp, 5, 99);
    kaal_dddk_run(&f->dev);
    assert_int_equal(f->fp.n_replies, 2);
    assert_int_equal(f->fp.replies[0].label, KAAL_OK);
    assert_int_equal(f->fp.replies[0].n_words, 1);
    rtc_time_t t = rtc_time_unpack(f->fp.replies[0].words[0]);
    assert_int_equal(t.year, 2026);
    assert_int_equal(t.month, 11);
    assert_int_equal(t.day, 25);
    assert_int_equal(t.hour, 13);
    assert_int_equal(t.minute, 45);
    assert_int_equal(t.second, 7);
    assert_int_equal(f->fp.replies[1].label, KAAL_ENOSYS);
}

static void test_rpc_reports_a_stuck_clock(void **state)
{
    struct fixture *f = *state;
    f->cmos.uip_forever = true;
    fake_platform_add_rpc(&f->fp, 5, RTC_RPC_READ);
    kaal_dddk_run(&f->dev);
    assert_int_equal(f->fp.replies[0].label, KAAL_EBUSY);
    assert_int_equal(f->fp.replies[0].n_words, 0);
}

static void test_pack_round_trips(void **state)
{
    (void)state;
    rtc_time_t t = {.year = 65535, .month = 12, .day = 31, .hour = 23, .minute = 59, .second = 60};
    rtc_time_t u = rtc_time_unpack(rtc_time_pack(&t));
    assert_memory_equal(&t, &u, sizeof(t));
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_reads_bcd_24_hour_time),
        T(test_reads_binary_24_hour_time),
        T(test_reads_12_hour_mode_in_bcd_and_binary),
        T(test_waits_while_update_in_progress),
        T(test_update_between_reads_never_mixes_old_and_new_fields),
        T(test_clock_stuck_in_update_is_busy_not_a_hang),
        T(test_missing_century_register_falls_back_by_year),
        T(test_invalid_registers_are_a_format_error),
        T(test_rpc_read_returns_packed_time),
        T(test_rpc_reports_a_stuck_clock),
        cmocka_unit_test(test_pack_round_trips),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
