// SPDX-License-Identifier: BSD-2-Clause
/* CMOS real-time clock driver (MC146818-compatible, ports 0x70/0x71).
 *
 * Model: the RTC updates its time registers once a second; while it does,
 * register A's UIP bit is set and the registers may be half-updated. Once
 * UIP reads clear, an update is at least 244 us away (MC146818A data sheet,
 * "Update Cycle"), but an emulator may take longer than that to run our
 * reads, so the read is repeated until two consecutive snapshots agree.
 * Waiting for UIP is a bounded spin (an update takes under 2 ms); a clock
 * stuck in update is reported as KAAL_EBUSY, not waited for forever.
 *
 * Register B says how values are kept: BCD or binary (DM bit), 24 or 12
 * hour (bit 7 of the hour register is PM in 12-hour mode, hours 1..12).
 * The century comes from register 0x32 (the ACPI FADT default, which QEMU
 * fills); without a plausible century, years 70..99 are 19xx, else 20xx.
 * The driver only reads: it never sets the clock and never touches NMI
 * (bit 7 of the index port), which it leaves enabled.
 */
#include "rtc.h"

#include <kaal/string.h>

enum { CMOS_INDEX = 0, CMOS_DATA = 1, CMOS_N_PORTS = 2 };
enum {
    RTC_SECONDS = 0x00,
    RTC_MINUTES = 0x02,
    RTC_HOURS = 0x04,
    RTC_DAY = 0x07,
    RTC_MONTH = 0x08,
    RTC_YEAR = 0x09,
    RTC_REG_A = 0x0a,
    RTC_REG_B = 0x0b,
    RTC_CENTURY = 0x32,
};
#define RTC_A_UIP 0x80
#define RTC_B_24H 0x02
#define RTC_B_BINARY 0x04
#define RTC_HOUR_PM 0x80

#define RTC_UIP_SPINS 100000 /* register A reads before giving up */
#define RTC_READ_TRIES 8     /* snapshot pairs before giving up */

enum { SNAP_SEC, SNAP_MIN, SNAP_HOUR, SNAP_DAY, SNAP_MONTH, SNAP_YEAR, SNAP_CENTURY, SNAP_N };
static const uint8_t snap_regs[SNAP_N] = {RTC_SECONDS, RTC_MINUTES, RTC_HOURS,  RTC_DAY,
                                          RTC_MONTH,   RTC_YEAR,    RTC_CENTURY};

static uint8_t cmos_read(kaal_dddk_io_t *io, uint8_t reg)
{
    kaal_dddk_out8(io, CMOS_INDEX, reg);
    return kaal_dddk_in8(io, CMOS_DATA);
}

static kaal_error_t snapshot(kaal_dddk_io_t *io, uint8_t snap[SNAP_N])
{
    for (unsigned spins = 0; cmos_read(io, RTC_REG_A) & RTC_A_UIP; spins++)
        if (spins == RTC_UIP_SPINS)
            return KAAL_EBUSY;
    for (unsigned i = 0; i < SNAP_N; i++)
        snap[i] = cmos_read(io, snap_regs[i]);
    return KAAL_OK;
}

/* BCD to binary; -1 if a digit is not decimal. */
static int from_bcd(uint8_t v)
{
    if ((v & 0x0f) > 9 || (v >> 4) > 9)
        return -1;
    return (v >> 4) * 10 + (v & 0x0f);
}

static kaal_error_t decode(const uint8_t snap[SNAP_N], uint8_t reg_b, rtc_time_t *out)
{
    bool bcd = !(reg_b & RTC_B_BINARY);
    int v[SNAP_N];
    for (unsigned i = 0; i < SNAP_N; i++) {
        uint8_t raw = i == SNAP_HOUR ? snap[i] & (uint8_t)~RTC_HOUR_PM : snap[i];
        v[i] = bcd ? from_bcd(raw) : raw;
    }
    if (!(reg_b & RTC_B_24H)) { /* 12-hour: 12 AM is 0, 12 PM is 12 */
        if (v[SNAP_HOUR] < 1 || v[SNAP_HOUR] > 12)
            return KAAL_EFORMAT;
        v[SNAP_HOUR] = v[SNAP_HOUR] % 12 + ((snap[SNAP_HOUR] & RTC_HOUR_PM) ? 12 : 0);
    }
    if (v[SNAP_SEC] < 0 || v[SNAP_SEC] > 59 || v[SNAP_MIN] < 0 || v[SNAP_MIN] > 59 ||
        v[SNAP_HOUR] < 0 || v[SNAP_HOUR] > 23 || v[SNAP_DAY] < 1 || v[SNAP_DAY] > 31 ||
        v[SNAP_MONTH] < 1 || v[SNAP_MONTH] > 12 || v[SNAP_YEAR] < 0 || v[SNAP_YEAR] > 99)
        return KAAL_EFORMAT;
    int century = v[SNAP_CENTURY];
    if (century < 19 || century > 29)
        century = v[SNAP_YEAR] >= 70 ? 19 : 20;
    *out = (rtc_time_t){.year = (uint16_t)(century * 100 + v[SNAP_YEAR]),
                        .month = (uint8_t)v[SNAP_MONTH],
                        .day = (uint8_t)v[SNAP_DAY],
                        .hour = (uint8_t)v[SNAP_HOUR],
                        .minute = (uint8_t)v[SNAP_MIN],
                        .second = (uint8_t)v[SNAP_SEC]};
    return KAAL_OK;
}

kaal_error_t rtc_read(kaal_dddk_io_t *io, rtc_time_t *out)
{
    uint8_t a[SNAP_N], b[SNAP_N];
    kaal_error_t err = snapshot(io, a);
    for (unsigned tries = 0; err == KAAL_OK && tries < RTC_READ_TRIES; tries++) {
        if ((err = snapshot(io, b)) != KAAL_OK)
            break;
        if (memcmp(a, b, sizeof(a)) == 0)
            return decode(a, cmos_read(io, RTC_REG_B), out);
        memcpy(a, b, sizeof(a));
    }
    return err == KAAL_OK ? KAAL_EBUSY : err;
}

static kaal_error_t rtc_init(kaal_dddk_device_t *dev)
{
    rtc_time_t t;
    kaal_error_t err = rtc_read(kaal_dddk_io(dev, 0), &t);
    return err == KAAL_EFORMAT ? KAAL_OK : err; /* an unset clock is still a clock */
}

static kaal_error_t rtc_rpc(kaal_dddk_device_t *dev, uint64_t badge, const kaal_dddk_msg_t *req,
                            kaal_dddk_msg_t *reply)
{
    (void)badge;
    if (req->label != RTC_RPC_READ)
        return KAAL_ENOSYS;
    rtc_time_t t;
    kaal_error_t err = rtc_read(kaal_dddk_io(dev, 0), &t);
    if (err == KAAL_OK) {
        reply->n_words = 1;
        reply->words[0] = rtc_time_pack(&t);
    }
    return err;
}

KAAL_DRIVER(rtc, .name = "rtc", .match = KAAL_DDDK_MATCH_ISA("rtc"),
            .resources = {.n_io = 1, .io_ports = {CMOS_N_PORTS}}, .service = {.name = "clock"},
            .ops = {.init = rtc_init, .rpc = rtc_rpc});
