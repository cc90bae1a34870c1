/* SPDX-License-Identifier: BSD-2-Clause */
/* The timer driver's descriptor (timer.c); its protocol is <kaal/timer.h>. */
#pragma once

#include <kaal/dddk.h>

extern const kaal_driver_t kaal_driver_timer;
