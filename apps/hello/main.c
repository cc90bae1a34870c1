// SPDX-License-Identifier: BSD-2-Clause
/* The smallest component: says hello with its name, uses its heap, exits. */
#include <kaal/component.h>
#include <kaal/runtime.h>
#include <kaal/stdio.h>
#include <kaal/string.h>

void *malloc(size_t size_bytes);
void free(void *ptr);

int main(void)
{
    const kaal_component_start_t *me = kaal_component();
    char *greeting = malloc(64);
    if (!greeting)
        return 2;
    snprintf(greeting, 64, "hello from component %s", me ? me->name : "?");
    printf("%s (heap %lu KiB)\n", greeting, me ? (unsigned long)(me->heap_size_bytes >> 10) : 0ul);
    free(greeting);
    return 0;
}
