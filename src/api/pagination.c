/* Pagination arithmetic; no I/O, unit-tested over many (count, per, page) triples. */
#include "pagination.h"

#include "core/limits.h"

#include <errno.h>
#include <stdlib.h>

/* Pages beyond this are all past the end for any real account; capping keeps offsets far
 * from int64 overflow. */
#define PAGE_CAP INT64_C(1000000000000)

static bool parse_positive(const char *text, int64_t def, int64_t *out)
{
    if (!text) {
        *out = def;
        return true;
    }
    if (*text < '0' || *text > '9')
        return false;
    int64_t v = 0;
    for (const char *p = text; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        if (v < PAGE_CAP)
            v = v * 10 + (*p - '0');
    }
    if (v == 0)
        return false;
    *out = v > PAGE_CAP ? PAGE_CAP : v;
    return true;
}

bool api_page_parse(const char *page_text, const char *items_text, struct api_page *out)
{
    int64_t page, per;
    if (!parse_positive(page_text, 1, &page) || !parse_positive(items_text, LIMIT_PAGE_ITEMS, &per))
        return false;
    if (per > LIMIT_PAGE_ITEMS)
        per = LIMIT_PAGE_ITEMS;
    *out = (struct api_page){.page = page, .per = per, .offset = (page - 1) * per};
    return true;
}

void api_page_finish(struct api_page *p, int64_t count, int64_t returned)
{
    p->count = count;
    p->pages = count == 0 ? 1 : (count + p->per - 1) / p->per;
    p->items = returned;
    p->from = returned > 0 ? p->offset + 1 : 0;
    p->to = returned > 0 ? p->offset + returned : 0;
    p->next_page = p->page < p->pages ? p->page + 1 : 0;
    if (p->page <= 1)
        p->prev_page = 0;
    else
        p->prev_page = p->page > p->pages ? p->pages : p->page - 1;
}

static void key_or_null(struct buf *b, const char *key, int64_t v)
{
    if (v > 0)
        buf_printf(b, "\"%s\":%lld,", key, (long long)v);
    else
        buf_printf(b, "\"%s\":null,", key);
}

void api_page_render(const struct api_page *p, struct buf *b)
{
    key_or_null(b, "next_page", p->next_page);
    key_or_null(b, "prev_page", p->prev_page);
    buf_printf(b,
               "\"last_page\":%lld,\"page\":%lld,\"items\":%lld,\"pages\":%lld,\"from\":%lld,"
               "\"to\":%lld,\"count\":%lld",
               (long long)p->pages, (long long)p->page, (long long)p->items, (long long)p->pages,
               (long long)p->from, (long long)p->to, (long long)p->count);
}
