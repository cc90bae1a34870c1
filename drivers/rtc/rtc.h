/* SPDX-License-Identifier: BSD-2-Clause */
/* The CMOS RTC driver's service (drivers/rtc/README.md): one RPC that
 * returns the date and time, packed into one message word. */
#pragma once

#include <stdint.h>

#include <kaal/dddk.h>

typedef struct rtc_time {
    uint16_t year;  /* e.g. 2026 */
    uint8_t month;  /* 1..12 */
    uint8_t day;    /* 1..31 */
    uint8_t hour;   /* 0..23, whatever mode the RTC keeps */
    uint8_t minute; /* 0..59 */
    uint8_t second; /* 0..59 */
} rtc_time_t;

/* RPC labels. */
#define RTC_RPC_READ 1 /* reply: label kaal_error_t, words[0] = rtc_time_pack(now) */

/* year:16 month:8 day:8 hour:8 minute:8 second:8, most significant first. */
static inline uint64_t rtc_time_pack(const rtc_time_t *t)
{
    return (uint64_t)t->year << 40 | (uint64_t)t->month << 32 | (uint64_t)t->day << 24 |
           (uint64_t)t->hour << 16 | (uint64_t)t->minute << 8 | t->second;
}

static inline rtc_time_t rtc_time_unpack(uint64_t w)
{
    return (rtc_time_t){.year = (uint16_t)(w >> 40),
                        .month = (uint8_t)(w >> 32),
                        .day = (uint8_t)(w >> 24),
                        .hour = (uint8_t)(w >> 16),
                        .minute = (uint8_t)(w >> 8),
                        .second = (uint8_t)w};
}

/* Reads the clock through the RTC's two ports (index 0x70, data 0x71):
 * KAAL_EBUSY if an update never ends or two reads never agree,
 * KAAL_EFORMAT if the registers hold no valid date. */
kaal_error_t rtc_read(kaal_dddk_io_t *io, rtc_time_t *out);

extern const kaal_driver_t kaal_driver_rtc;
