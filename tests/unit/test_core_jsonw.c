/* core/jsonw.c: JSON string escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/jsonw.h"

static void check(const char *in, const char *want)
{
    struct buf b;
    buf_init(&b, SIZE_MAX / 2);
    assert_true(jsonw_string(&b, in));
    assert_string_equal(b.data, want);
    buf_fini(&b);
}

static void escapes_what_json_requires(void **state)
{
    (void)state;
    check(NULL, "null");
    check("", "\"\"");
    check("plain text", "\"plain text\"");
    check("a\"b\\c", "\"a\\\"b\\\\c\"");
    check("line\nnext\r\ttab", "\"line\\nnext\\r\\ttab\"");
    check("\x01\x1f", "\"\\u0001\\u001f\"");
    check("\x7f/é", "\"\x7f/é\""); /* DEL, '/' and UTF-8 pass as they are */
    check("\"", "\"\\\"\"");
    check("end\\", "\"end\\\\\"");
}

static void stops_at_the_buffer_limit(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 8);
    assert_false(jsonw_string(&b, "far too long for eight bytes"));
    buf_fini(&b);
    buf_init(&b, 8);
    assert_false(jsonw_string(&b, "\x01\x01\x01"));
    buf_fini(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(escapes_what_json_requires),
        cmocka_unit_test(stops_at_the_buffer_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
