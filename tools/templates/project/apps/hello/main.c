// SPDX-License-Identifier: BSD-2-Clause
/* The example component of @NAME@: prints its greeting and exits. Names
 * of its capabilities and settings come from the generated hello_caps.h
 * (build/include/), made from system.toml: no slot numbers in code. */
#include <kaal/runtime.h>
#include <kaal/stdio.h>

#include "hello_caps.h"

int main(void)
{
    printf("%s (component %s, priority %d)\n", KAAL_CONFIG_GREETING, KAAL_COMPONENT_NAME,
           KAAL_COMPONENT_PRIORITY);
    return 0;
}
