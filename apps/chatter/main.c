// SPDX-License-Identifier: BSD-2-Clause
/* A console stress component (tests/system/test_console.py): writes
 * `lines` (config, default 40) numbered lines of its own letter, each in
 * three pieces sent to the console separately with a yield in between, so
 * that two chatters of the same priority hand the console their pieces
 * interleaved; the console must still print every line whole. Then one
 * line through printf, which must keep the message registers, and exit. */
#include <kaal/component.h>
#include <kaal/console.h>
#include <kaal/stdio.h>
#include <kaal/string.h>

#define PAYLOAD_BYTES 60

int main(void)
{
    const kaal_component_start_t *me = kaal_component();
    const char *name = me ? me->name : "?";
    char letter = name[strlen(name) - 1];
    long lines = (long)kaal_component_config_int("lines", 40);
    char payload[PAYLOAD_BYTES + 1];
    memset(payload, letter, PAYLOAD_BYTES);
    payload[PAYLOAD_BYTES] = 0;
    for (long i = 0; i < lines; i++) {
        char head[48];
        int n = snprintf(head, sizeof(head), "%s line %ld: ", name, i);
        const char *pieces[] = {head, payload, " end\n"};
        size_t sizes[] = {(size_t)n, PAYLOAD_BYTES, 5};
        for (int p = 0; p < 3; p++) {
            kaal_console_write(pieces[p], sizes[p], 0);
            seL4_Yield();
        }
    }
    /* printf must leave the message registers as they were: a server may
     * print between building a reply and sending it. */
    const seL4_Word mark = 0x6b61616c00000000ull;
    for (unsigned i = 0; i < seL4_MsgMaxLength; i++)
        seL4_SetMR((int)i, mark + i);
    printf("%s done after %ld lines\n", name, lines);
    for (unsigned i = 0; i < seL4_MsgMaxLength; i++) {
        if (seL4_GetMR((int)i) != mark + i) {
            printf("%s: printf changed MR%u\n", name, i);
            return 3;
        }
    }
    return 0;
}
