// SPDX-License-Identifier: BSD-2-Clause
/* A model of the MC146818-style CMOS RTC for the RTC driver's host tests:
 * an index port (offset 0; bit 7 masks NMI) and a data port (offset 1).
 * The true time is kept as numbers and encoded on every read according to
 * register B: BCD or binary, 24-hour or 12-hour with bit 7 of the hour as
 * PM. Register A's UIP bit and "an update happened between two reads" are
 * scripted, so the driver's handshake can be tested without real time. */
#include "simcmos.h"

#include <string.h>

void simcmos_init(simcmos_t *c, int year, int month, int day, int hour, int minute, int second,
                  uint8_t reg_b)
{
    memset(c, 0, sizeof(*c));
    c->year = year;
    c->month = month;
    c->day = day;
    c->hour = hour;
    c->minute = minute;
    c->second = second;
    c->reg_b = reg_b;
    c->century_valid = true;
}

static uint8_t encode(const simcmos_t *c, int v)
{
    if (c->reg_b & 0x04)
        return (uint8_t)v;
    return (uint8_t)((v / 10) << 4 | (v % 10));
}

static uint8_t encode_hour(const simcmos_t *c)
{
    if (c->reg_b & 0x02)
        return encode(c, c->hour);
    int h12 = c->hour % 12 == 0 ? 12 : c->hour % 12;
    return (uint8_t)(encode(c, h12) | (c->hour >= 12 ? 0x80 : 0));
}

static int days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

void simcmos_tick(simcmos_t *c)
{
    if (++c->second < 60)
        return;
    c->second = 0;
    if (++c->minute < 60)
        return;
    c->minute = 0;
    if (++c->hour < 24)
        return;
    c->hour = 0;
    if (++c->day <= days_in_month(c->year, c->month))
        return;
    c->day = 1;
    if (++c->month <= 12)
        return;
    c->month = 1;
    c->year++;
}

static bool is_time_reg(uint8_t reg)
{
    return reg == 0x00 || reg == 0x02 || reg == 0x04 || reg == 0x07 || reg == 0x08 || reg == 0x09 ||
           reg == 0x32;
}

uint8_t simcmos_read(simcmos_t *c, uint16_t offset)
{
    if (offset != 1)
        return 0xff; /* the index port is write-only */
    uint8_t reg = c->index;
    if (reg == 0x0a) {
        c->n_reg_a_reads++;
        bool uip = c->uip_forever || c->uip_reads > 0;
        if (c->uip_reads > 0)
            c->uip_reads--;
        return (uint8_t)(0x26 | (uip ? 0x80 : 0));
    }
    if (reg == 0x0b)
        return c->reg_b;
    if (!is_time_reg(reg))
        return 0;
    c->n_time_reads++;
    if (c->tick_at_data_read != 0 && c->n_time_reads == (unsigned)c->tick_at_data_read)
        simcmos_tick(c);
    if (c->raw_override[reg] != 0)
        return c->raw_override[reg];
    switch (reg) {
    case 0x00: return encode(c, c->second);
    case 0x02: return encode(c, c->minute);
    case 0x04: return encode_hour(c);
    case 0x07: return encode(c, c->day);
    case 0x08: return encode(c, c->month);
    case 0x09: return encode(c, c->year % 100);
    default: return c->century_valid ? encode(c, c->year / 100) : 0;
    }
}

void simcmos_write(simcmos_t *c, uint16_t offset, uint8_t value)
{
    if (offset == 0) {
        c->index = value & 0x7f;
        c->nmi_disabled = value & 0x80;
    } else {
        c->n_writes_to_data++;
    }
}
