/* http/form.c: form-encoded bodies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "http/form.h"

#include <string.h>

static void decodes_fields(void **state)
{
    (void)state;
    struct arena *ar = arena_new();
    struct http_form_field *f;
    size_t n;
    const char *body = "recording%5Btitle%5D=New+title%21&recording[summary]=&flag&x=1&x=2";
    assert_true(http_form_parse(ar, body, strlen(body), &f, &n));
    assert_int_equal(n, 5);
    assert_string_equal(http_form_get(f, n, "recording[title]"), "New title!");
    assert_string_equal(http_form_get(f, n, "recording[summary]"), "");
    assert_string_equal(http_form_get(f, n, "flag"), "");
    assert_string_equal(http_form_get(f, n, "x"), "2");
    assert_null(http_form_get(f, n, "missing"));
    assert_true(http_form_parse(ar, "", 0, &f, &n));
    assert_int_equal(n, 0);
    assert_true(http_form_parse(ar, "&&a=%C3%A9&", 11, &f, &n));
    assert_int_equal(n, 1);
    assert_string_equal(f[0].value, "\xc3\xa9");
    arena_free(ar);
}

static void rejects_bad_escapes_and_bytes(void **state)
{
    (void)state;
    struct arena *ar = arena_new();
    struct http_form_field *f;
    size_t n;
    const char *bad[] = {"a=%", "a=%4", "a=%zz", "a=%00", "a=%C3", "%FF=1", "a=%ED%A0%80"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_false(http_form_parse(ar, bad[i], strlen(bad[i]), &f, &n));
    arena_free(ar);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(decodes_fields),
        cmocka_unit_test(rejects_bad_escapes_and_bytes),
    };
    return cmocka_run_group_tests_name("http_form", tests, NULL, NULL);
}
