/* Fuzzes query-string values as the REST handlers read them: page/items and time filters. */
#include "api/pagination.h"
#include "core/time.h"
#include "http/form.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *ar = arena_new();
    struct http_form_field *fields;
    size_t n;
    if (http_form_parse(ar, (const char *)data, size, &fields, &n)) {
        struct api_page p;
        if (api_page_parse(http_form_get(fields, n, "page"), http_form_get(fields, n, "items"),
                           &p)) {
            api_page_finish(&p, (int64_t)size * 1000, p.per);
            struct buf b;
            buf_init(&b, 4096);
            api_page_render(&p, &b);
            buf_fini(&b);
        }
        int64_t ms;
        const char *t = http_form_get(fields, n, "created_after");
        if (t)
            (void)time_parse_iso(t, &ms);
    }
    arena_free(ar);
    return 0;
}
