/* REST pagination (SPEC section 3): parsing page/items and computing the nine keys. */
#ifndef API_PAGINATION_H
#define API_PAGINATION_H

#include "core/buf.h"

#include <stdbool.h>
#include <stdint.h>

struct api_page {
    int64_t page, per;            /* requested page, records per page (clamped) */
    int64_t offset;               /* records before this page */
    int64_t count, pages;         /* total records, total pages (at least 1) */
    int64_t items, from, to;      /* records on this page, 1-based first and last (0 when none) */
    int64_t next_page, prev_page; /* 0 when not applicable (rendered null) */
};

/* Parses the page and items query values (NULL = default). Returns false when either is not a
 * positive integer; clamps items to 100. Fills page, per and offset. */
bool api_page_parse(const char *page_text, const char *items_text, struct api_page *out);
/* Fills the remaining fields from the total count and the number of records returned. */
void api_page_finish(struct api_page *p, int64_t count, int64_t returned);
/* Appends the nine keys as one JSON object body, without braces, to b. */
void api_page_render(const struct api_page *p, struct buf *b);

#endif
