// SPDX-License-Identifier: BSD-2-Clause
/* greeter: an application component. It greets, uses its heap and exits;
 * init then reclaims everything it had. Its capabilities have names in
 * the generated greeter_caps.h (from component.toml): no slot numbers. */
#include <kaal/component.h>
#include <kaal/runtime.h>
#include <kaal/stdio.h>

#include "greeter_caps.h"

void *malloc(size_t size_bytes);
void free(void *ptr);

int main(void)
{
    const kaal_component_start_t *me = kaal_component();
    /* [component.config] count = N in system.toml: greet N times. */
    int count = kaal_component_config_int("count", 1);
    char *line = malloc(80);
    if (!line)
        return 2;
    for (int i = 0; i < count; i++) {
        snprintf(line, 80, "greeter: hello from KaaL (instance %s, type %s)", me ? me->name : "?",
                 KAAL_COMPONENT_TYPE);
        printf("%s\n", line);
    }
    free(line);
    return 0;
}
