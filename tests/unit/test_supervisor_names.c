// SPDX-License-Identifier: BSD-2-Clause
/*
 * Component names in supervisor messages (runtime/supervisor/names.c):
 * round trip, NUL padding on the wire, refusal of names that cannot fit,
 * and a terminated name from any words a client sends.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <kaal/supervisor.h>

static void test_a_name_round_trips_nul_padded(void **state)
{
    (void)state;
    uint64_t words[KAAL_INIT_NAME_WORDS];
    memset(words, 0xaa, sizeof(words));
    assert_int_equal(kaal_supervisor_name_to_words("shell", words), KAAL_OK);
    const unsigned char *bytes = (const unsigned char *)words;
    assert_memory_equal(bytes, "shell", 5);
    for (size_t i = 5; i < sizeof(words); i++)
        assert_int_equal(bytes[i], 0);
    char name[KAAL_COMPONENT_NAME_MAX + 1];
    kaal_supervisor_words_to_name(words, name);
    assert_string_equal(name, "shell");
}

static void test_the_longest_name_fits_and_one_more_byte_does_not(void **state)
{
    (void)state;
    char longest[KAAL_COMPONENT_NAME_MAX], too_long[KAAL_COMPONENT_NAME_MAX + 1];
    memset(longest, 'x', sizeof(longest) - 1);
    longest[sizeof(longest) - 1] = 0;
    memset(too_long, 'y', sizeof(too_long) - 1);
    too_long[sizeof(too_long) - 1] = 0;
    uint64_t words[KAAL_INIT_NAME_WORDS];
    assert_int_equal(kaal_supervisor_name_to_words(longest, words), KAAL_OK);
    char name[KAAL_COMPONENT_NAME_MAX + 1];
    kaal_supervisor_words_to_name(words, name);
    assert_string_equal(name, longest);
    assert_int_equal(kaal_supervisor_name_to_words(too_long, words), KAAL_ENOENT);
}

static void test_words_without_a_nul_still_give_a_terminated_name(void **state)
{
    (void)state;
    uint64_t words[KAAL_INIT_NAME_WORDS];
    memset(words, 'z', sizeof(words));
    char name[KAAL_COMPONENT_NAME_MAX + 1];
    kaal_supervisor_words_to_name(words, name);
    assert_int_equal(strlen(name), KAAL_COMPONENT_NAME_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_name_round_trips_nul_padded),
        cmocka_unit_test(test_the_longest_name_fits_and_one_more_byte_does_not),
        cmocka_unit_test(test_words_without_a_nul_still_give_a_terminated_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
