/* core/utf8.c: the validator every untrusted byte passes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/utf8.h"

#include <string.h>

static void accepts_well_formed_text(void **state)
{
    (void)state;
    const char *good[] = {"",
                          "plain ascii",
                          "caf\xc3\xa9",
                          "\xe2\x82\xac 10",
                          "\xf0\x9f\x8e\xa5 recording",
                          "\xed\x9f\xbf",
                          "\xf4\x8f\xbf\xbf"};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        assert_true(utf8_is_valid(good[i], strlen(good[i])));
}

static void rejects_malformed_text(void **state)
{
    (void)state;
    const char *bad[] = {
        "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\x80",
        "\xc3",     "abc\xe2\x82",  "\xff",         "\xf0\x9f\x8e\x41"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_false(utf8_is_valid(bad[i], strlen(bad[i])));
    assert_false(utf8_is_valid("a\0b", 3));
}

/* ASCII is checked eight bytes at a time: a bad byte, a NUL or a valid sequence at any place in
 * or around a run of eight is still seen. */
static void sees_every_byte_of_long_text(void **state)
{
    (void)state;
    char text[40];
    for (size_t at = 0; at + 2 <= sizeof(text); at++) {
        memset(text, 'a', sizeof(text));
        assert_true(utf8_is_valid(text, sizeof(text)));
        text[at] = '\x80';
        assert_false(utf8_is_valid(text, sizeof(text)));
        text[at] = '\0';
        assert_false(utf8_is_valid(text, sizeof(text)));
        text[at] = '\x7f';
        assert_true(utf8_is_valid(text, sizeof(text)));
        memcpy(text + at, "\xc3\xa9", 2);
        assert_true(utf8_is_valid(text, sizeof(text)));
        assert_false(utf8_is_valid(text, at + 1)); /* cut inside the sequence */
        text[at + 1] = 'a';
        assert_false(utf8_is_valid(text, sizeof(text)));
    }
}

static void counts_code_points(void **state)
{
    (void)state;
    assert_int_equal(utf8_length(""), 0);
    assert_int_equal(utf8_length("abc"), 3);
    assert_int_equal(utf8_length("caf\xc3\xa9"), 4);
    assert_int_equal(utf8_length("\xf0\x9f\x8e\xa5\xe2\x82\xac"), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(accepts_well_formed_text),
        cmocka_unit_test(rejects_malformed_text),
        cmocka_unit_test(sees_every_byte_of_long_text),
        cmocka_unit_test(counts_code_points),
    };
    return cmocka_run_group_tests_name("core_utf8", tests, NULL, NULL);
}
