// SPDX-License-Identifier: BSD-2-Clause
/* filler: the client of tutorial 5. It writes 48 KiB into the region it
 * shares with the summer, asks for their sum with one call of three
 * words, checks it against its own, then asks for a range past the end
 * of the region and gets KAAL_ERANGE back. */
#include <kaal/error.h>
#include <kaal/runtime.h>
#include <kaal/stdio.h>

#include "../summer/summer.h"
#include "filler_caps.h"

#define FILL_BYTES (48 * 1024)

static kaal_error_t ask(seL4_Word offset, seL4_Word length, seL4_Word *sum)
{
    seL4_SetMR(0, offset);
    seL4_SetMR(1, length);
    seL4_MessageInfo_t reply =
        seL4_Call(KAAL_CAP_SUMMER, seL4_MessageInfo_new(SUMMER_SUM, 0, 0, 2));
    *sum = seL4_GetMR(0);
    return (kaal_error_t)seL4_MessageInfo_get_label(reply);
}

int main(void)
{
    uint8_t *region = (uint8_t *)KAAL_RING_SUMMER_SHM_DATA_VADDR;
    seL4_Word mine = 0, theirs = 0;
    for (unsigned i = 0; i < FILL_BYTES; i++) {
        region[i] = (uint8_t)(i * 7 + 3);
        mine += region[i];
    }
    kaal_error_t err = ask(0, FILL_BYTES, &theirs);
    printf("filler: sum of %d bytes: %lu, mine %lu: %s\n", FILL_BYTES, (unsigned long)theirs,
           (unsigned long)mine, err == KAAL_OK && theirs == mine ? "equal" : "DIFFERENT");
    err = ask(KAAL_RING_SUMMER_SHM_DATA_SIZE_BYTES - 16, 32, &theirs);
    printf("filler: a range past the region: %s\n",
           err == KAAL_ERANGE ? "KAAL_ERANGE" : "accepted (wrong)");
    return 0;
}
