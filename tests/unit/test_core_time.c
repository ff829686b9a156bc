/* core/time.c: ISO 8601 parsing and formatting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/time.h"

static void formats_epoch_and_millis(void **state)
{
    (void)state;
    char out[TIME_ISO_LEN];
    time_format_iso(0, out);
    assert_string_equal(out, "1970-01-01T00:00:00.000Z");
    time_format_iso(INT64_C(1767799777821), out);
    assert_string_equal(out, "2026-01-07T15:29:37.821Z");
}

static void parses_what_it_formats(void **state)
{
    (void)state;
    int64_t samples[] = {
        0, 1, 999, 86399999, INT64_C(951782400000), INT64_C(1767799777821), INT64_C(4102444799999)};
    for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
        char out[TIME_ISO_LEN];
        int64_t back = -1;
        time_format_iso(samples[i], out);
        assert_true(time_parse_iso(out, &back));
        assert_int_equal(back, samples[i]);
    }
}

static void parses_offsets_dates_and_fractions(void **state)
{
    (void)state;
    int64_t ms;
    assert_true(time_parse_iso("2026-01-07", &ms));
    assert_int_equal(ms, INT64_C(1767744000000));
    assert_true(time_parse_iso("2026-01-07T16:29:37.821+01:00", &ms));
    assert_int_equal(ms, INT64_C(1767799777821));
    assert_true(time_parse_iso("2026-01-07T15:29:37.8219Z", &ms));
    assert_int_equal(ms, INT64_C(1767799777821));
    assert_true(time_parse_iso("2026-01-07T15:29:37.8Z", &ms));
    assert_int_equal(ms, INT64_C(1767799777800));
    assert_true(time_parse_iso("2026-01-07T10:29:37-0500", &ms));
    assert_int_equal(ms, INT64_C(1767799777000));
    assert_true(time_parse_iso("2024-02-29T00:00Z", &ms));
}

static void rejects_malformed_text(void **state)
{
    (void)state;
    const char *bad[] = {"",
                         "2026",
                         "2026-13-01",
                         "2026-02-30",
                         "2023-02-29",
                         "2026-01-07T25:00:00Z",
                         "2026-01-07T10:60Z",
                         "2026-01-07T10:00:00.Z",
                         "2026-01-07T10:00:00Zjunk",
                         "2026-01-07T10:00:00+25:00",
                         "yesterday",
                         "2026-1-7"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int64_t ms;
        assert_false(time_parse_iso(bad[i], &ms));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(formats_epoch_and_millis),
        cmocka_unit_test(parses_what_it_formats),
        cmocka_unit_test(parses_offsets_dates_and_fractions),
        cmocka_unit_test(rejects_malformed_text),
    };
    return cmocka_run_group_tests_name("core_time", tests, NULL, NULL);
}
