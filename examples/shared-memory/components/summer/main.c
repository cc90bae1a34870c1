// SPDX-License-Identifier: BSD-2-Clause
/* summer: the server of tutorial 5. The client writes its data into the
 * region both map (the data region of the ring end shm1) and calls with
 * an offset and a length; the server reads the bytes where they are, no
 * copy through messages. The region is the client's too, so everything
 * the client says is checked against it first: a range outside it is
 * KAAL_ERANGE, and the bytes are read once (the client may change them
 * while the server works: the answer is then some sum, never a crash). */
#include <kaal/error.h>
#include <kaal/runtime.h>
#include <kaal/stdio.h>

#include "summer.h"
#include "summer_caps.h"

static kaal_error_t sum(seL4_Word offset, seL4_Word length, seL4_Word *out)
{
    const volatile uint8_t *region = (const volatile uint8_t *)KAAL_RING_SHM1_DATA_VADDR;
    if (offset > KAAL_RING_SHM1_DATA_SIZE_BYTES || length > KAAL_RING_SHM1_DATA_SIZE_BYTES - offset)
        return KAAL_ERANGE;
    seL4_Word s = 0;
    for (seL4_Word i = 0; i < length; i++)
        s += region[offset + i];
    *out = s;
    return KAAL_OK;
}

int main(void)
{
    seL4_Word badge;
    seL4_MessageInfo_t req = seL4_Recv(KAAL_CAP_CLIENTS, &badge);
    for (;;) {
        kaal_error_t err = KAAL_ENOSYS;
        seL4_Word result = 0;
        if (badge != 1) /* only badge 1 has a region here (shm1) */
            err = KAAL_EINVAL;
        else if (seL4_MessageInfo_get_label(req) == SUMMER_SUM &&
                 seL4_MessageInfo_get_length(req) == 2)
            err = sum(seL4_GetMR(0), seL4_GetMR(1), &result);
        printf("summer: client %lu: sum(%lu, %lu) -> error %d\n", (unsigned long)badge,
               (unsigned long)seL4_GetMR(0), (unsigned long)seL4_GetMR(1), (int)err);
        seL4_SetMR(0, result);
        req =
            seL4_ReplyRecv(KAAL_CAP_CLIENTS, seL4_MessageInfo_new((seL4_Word)err, 0, 0, 1), &badge);
    }
}
