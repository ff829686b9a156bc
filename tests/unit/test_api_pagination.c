/* api/pagination.c: the arithmetic of SPEC section 3 over many (count, per, page) triples. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "api/pagination.h"

#include <stdio.h>
#include <string.h>

static void defaults_and_clamping(void **state)
{
    (void)state;
    struct api_page p;
    assert_true(api_page_parse(NULL, NULL, &p));
    assert_int_equal(p.page, 1);
    assert_int_equal(p.per, 100);
    assert_int_equal(p.offset, 0);
    assert_true(api_page_parse("3", "500", &p));
    assert_int_equal(p.per, 100);
    assert_int_equal(p.offset, 200);
    assert_true(api_page_parse("007", "25", &p));
    assert_int_equal(p.page, 7);
    assert_true(api_page_parse("99999999999999999999999", "1", &p));
    assert_true(p.offset > 0);
}

static void rejects_values_that_are_not_positive_integers(void **state)
{
    (void)state;
    const char *bad[] = {"0", "-1", "", "1.5", "abc", " 1", "1 ", "+2", "0x10", "1e3"};
    struct api_page p;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_false(api_page_parse(bad[i], NULL, &p));
        assert_false(api_page_parse(NULL, bad[i], &p));
    }
}

/* The rules restated independently, checked against the implementation. */
static void check(int64_t count, int64_t per, int64_t page)
{
    char page_text[32], per_text[32];
    snprintf(page_text, sizeof(page_text), "%lld", (long long)page);
    snprintf(per_text, sizeof(per_text), "%lld", (long long)per);
    struct api_page p;
    assert_true(api_page_parse(page_text, per_text, &p));
    int64_t offset = (page - 1) * per;
    int64_t returned = count - offset;
    if (returned < 0)
        returned = 0;
    if (returned > per)
        returned = per;
    api_page_finish(&p, count, returned);
    int64_t pages = count == 0 ? 1 : (count + per - 1) / per;
    assert_int_equal(p.pages, pages);
    assert_int_equal(p.count, count);
    assert_int_equal(p.items, returned);
    assert_int_equal(p.from, returned ? offset + 1 : 0);
    assert_int_equal(p.to, returned ? offset + returned : 0);
    assert_int_equal(p.next_page, page < pages ? page + 1 : 0);
    assert_int_equal(p.prev_page, page == 1 ? 0 : page > pages ? pages : page - 1);
}

static void arithmetic_over_many_triples(void **state)
{
    (void)state;
    const int64_t counts[] = {0, 1, 2, 9, 10, 11, 99, 100, 101, 450, 1000, 100001};
    const int64_t pers[] = {1, 2, 3, 10, 25, 100};
    for (size_t c = 0; c < sizeof(counts) / sizeof(counts[0]); c++)
        for (size_t r = 0; r < sizeof(pers) / sizeof(pers[0]); r++)
            for (int64_t page = 1; page <= 12; page++)
                check(counts[c], pers[r], page);
    check(450, 100, 1000);
    check(100001, 100, 1001);
    check(100001, 100, 1002);
}

static void renders_nine_keys_with_nulls(void **state)
{
    (void)state;
    struct api_page p;
    assert_true(api_page_parse("1", NULL, &p));
    api_page_finish(&p, 1, 1);
    struct buf b;
    buf_init(&b, 4096);
    api_page_render(&p, &b);
    assert_string_equal(b.data, "\"next_page\":null,\"prev_page\":null,\"last_page\":1,\"page\":1,"
                                "\"items\":1,\"pages\":1,\"from\":1,\"to\":1,\"count\":1");
    buf_fini(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_and_clamping),
        cmocka_unit_test(rejects_values_that_are_not_positive_integers),
        cmocka_unit_test(arithmetic_over_many_triples),
        cmocka_unit_test(renders_nine_keys_with_nulls),
    };
    return cmocka_run_group_tests_name("api_pagination", tests, NULL, NULL);
}
