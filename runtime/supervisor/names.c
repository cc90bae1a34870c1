// SPDX-License-Identifier: BSD-2-Clause
/* Component names in supervisor messages (<kaal/supervisor.h>): pure, so
 * init, its clients and a host test share it. */
#include <kaal/supervisor.h>
#include <kaal/string.h>

_Static_assert(KAAL_COMPONENT_NAME_MAX == 8 * KAAL_INIT_NAME_WORDS, "names are whole words");

kaal_error_t kaal_supervisor_name_to_words(const char *name,
                                           uint64_t words[KAAL_INIT_NAME_WORDS])
{
    char buf[KAAL_COMPONENT_NAME_MAX];
    size_t len = strlen(name);
    if (len >= sizeof(buf))
        return KAAL_ENOENT;
    memset(buf, 0, sizeof(buf));
    memcpy(buf, name, len);
    memcpy(words, buf, sizeof(buf));
    return KAAL_OK;
}

void kaal_supervisor_words_to_name(const uint64_t words[KAAL_INIT_NAME_WORDS],
                                   char name[KAAL_COMPONENT_NAME_MAX + 1])
{
    memcpy(name, words, KAAL_COMPONENT_NAME_MAX);
    name[KAAL_COMPONENT_NAME_MAX] = 0;
}
