/* SPDX-License-Identifier: BSD-2-Clause */
/* The client side of the rtc driver component's RPC (README.md): one call
 * on the client's rpc_client end wired to the driver's "clients". */
#pragma once

#include <sel4/sel4.h>
#include <kaal/error.h>

#include "rtc.h"

/* The date and time now; the driver's error (KAAL_EBUSY, KAAL_EFORMAT). */
static inline kaal_error_t rtc_client_read(seL4_CPtr rtc_ep, rtc_time_t *out)
{
    seL4_MessageInfo_t reply = seL4_Call(rtc_ep, seL4_MessageInfo_new(RTC_RPC_READ, 0, 0, 0));
    kaal_error_t err = (kaal_error_t)seL4_MessageInfo_get_label(reply);
    if (err == KAAL_OK && seL4_MessageInfo_get_length(reply) < 1)
        err = KAAL_EFORMAT;
    if (err == KAAL_OK)
        *out = rtc_time_unpack(seL4_GetMR(0));
    return err;
}
