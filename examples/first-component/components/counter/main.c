// SPDX-License-Identifier: BSD-2-Clause
/* counter: the first component of tutorial 1. It reads `count` from its
 * [component.config], builds each line in memory from its own heap
 * (heap_size in component.toml) and prints it; returning from main ends
 * the component and init takes back everything it had. */
#include <kaal/component.h>
#include <kaal/runtime.h>
#include <kaal/stdio.h>

#include "counter_caps.h"

void *malloc(size_t size_bytes);
void free(void *ptr);

int main(void)
{
    const kaal_component_start_t *me = kaal_component();
    int64_t count = kaal_component_config_int("count", 1);
    for (int64_t i = 1; i <= count; i++) {
        char *line = malloc(64);
        if (!line)
            return 2;
        snprintf(line, 64, "counter: %ld of %ld (heap %lu KiB)", (long)i, (long)count,
                 me ? (unsigned long)(me->heap_size_bytes >> 10) : 0ul);
        puts(line);
        free(line);
    }
    return 0;
}
