/* core/lines.c: NDJSON lines, held whole only up to a limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/lines.h"

#include <stdlib.h>
#include <string.h>

/* Reads all of text through a reader with the given limit; returns the lines joined by '|',
 * a cut line as "<cut N>" (N: the length handed over), and stops there. */
static char *read_all(const char *text, size_t n, size_t limit)
{
    FILE *in = fmemopen((void *)text, n, "r");
    assert_non_null(in);
    struct line_reader r = {.in = in, .limit = limit};
    size_t cap = 2 * n + 64, used = 0, len;
    char *out = calloc(1, cap);
    const char *line;
    while ((line = line_next(&r, &len))) {
        if (len > limit) {
            used += (size_t)snprintf(out + used, cap - used, "<cut %zu>", len);
            break;
        }
        assert_int_equal(line[len], '\0');
        assert_int_equal(strlen(line), len);
        used += (size_t)snprintf(out + used, cap - used, "%s|", line);
    }
    assert_false(ferror(in));
    line_reader_fini(&r);
    fclose(in);
    return out;
}

static void splits_lines_and_keeps_a_last_one_without_newline(void **state)
{
    (void)state;
    const char *cases[][2] = {
        {"", ""},
        {"\n", "|"},
        {"a\nbc\n", "a|bc|"},
        {"a\n\nb", "a||b|"},
        {"one\r\ntwo\r\n", "one\r|two\r|"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *got = read_all(cases[i][0], strlen(cases[i][0]), 100);
        assert_string_equal(got, cases[i][1]);
        free(got);
    }
}

static void cuts_a_line_over_the_limit_without_reading_it_whole(void **state)
{
    (void)state;
    char *got = read_all("12345\nabcdefghij\nlast\n", 22, 5);
    assert_string_equal(got, "12345|<cut 10>");
    free(got);
    /* A line much longer than the first buffer is cut just past the limit, not read whole. */
    size_t n = 10 * 1024 * 1024;
    char *big = malloc(n);
    memset(big, 'x', n);
    got = read_all(big, n, 100 * 1024);
    assert_true(strncmp(got, "<cut ", 5) == 0);
    size_t cut = strtoul(got + 5, NULL, 10);
    assert_true(cut > 100 * 1024 && cut <= 256 * 1024);
    free(got);
    free(big);
}

static void lines_across_buffer_refills(void **state)
{
    (void)state;
    /* Lines of every length from 1 to 300 bytes, 355 KiB in all: many straddle a refill. */
    size_t n = 0, cap = (300 * 301 / 2 + 300) * 8 + 16;
    char *text = malloc(cap);
    for (int round = 0; round < 8; round++)
        for (size_t len = 1; len <= 300; len++) {
            memset(text + n, 'a' + (int)(len % 26), len);
            n += len;
            text[n++] = '\n';
        }
    FILE *in = fmemopen(text, n, "r");
    struct line_reader r = {.in = in, .limit = 4096};
    const char *line;
    size_t len, expect = 1, count = 0;
    while ((line = line_next(&r, &len))) {
        assert_int_equal(len, expect);
        assert_int_equal(line[0], 'a' + (int)(len % 26));
        assert_int_equal(line[len - 1], 'a' + (int)(len % 26));
        expect = expect == 300 ? 1 : expect + 1;
        count++;
    }
    assert_int_equal(count, 8 * 300);
    line_reader_fini(&r);
    fclose(in);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(splits_lines_and_keeps_a_last_one_without_newline),
        cmocka_unit_test(cuts_a_line_over_the_limit_without_reading_it_whole),
        cmocka_unit_test(lines_across_buffer_refills),
    };
    return cmocka_run_group_tests_name("core_lines", tests, NULL, NULL);
}
