/* SPDX-License-Identifier: BSD-2-Clause */
/* A model of the CMOS RTC behind ports 0x70/0x71 for host tests. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

typedef struct simcmos {
    uint8_t index;
    bool nmi_disabled;  /* bit 7 of the last index write */
    uint8_t reg_b;      /* mode: 0x02 24-hour, 0x04 binary */
    uint8_t century;    /* stored in the current mode's encoding by simcmos_set */
    bool century_valid; /* false: register 0x32 holds 0 */
    int year, month, day, hour, minute, second; /* the true time */
    /* scripted behaviour */
    unsigned uip_reads; /* the next this-many register A reads show UIP */
    bool uip_forever;
    int tick_at_data_read;     /* at this time-register read (1-based), the
                                  clock ticks one second: an update between
                                  reads; 0 = never */
    uint8_t raw_override[128]; /* non-zero: returned instead of the model */
    unsigned n_reg_a_reads, n_time_reads, n_writes_to_data;
} simcmos_t;

void simcmos_init(simcmos_t *c, int year, int month, int day, int hour, int minute, int second,
                  uint8_t reg_b);
uint8_t simcmos_read(simcmos_t *c, uint16_t offset);
void simcmos_write(simcmos_t *c, uint16_t offset, uint8_t value);
/* Advances the clock by one second (carrying into minutes ... years). */
void simcmos_tick(simcmos_t *c);
