#include "lines.h"

#include "core/xalloc.h"

#include <stdlib.h>
#include <string.h>

enum { FIRST_CAP = 64 * 1024 };

const char *line_next(struct line_reader *r, size_t *len)
{
    for (;;) {
        size_t have = r->end - r->start;
        char *line = have ? r->buf + r->start : NULL;
        char *nl = have ? memchr(line, '\n', have) : NULL;
        if (nl || have > r->limit || (r->is_at_end && have)) {
            *len = nl ? (size_t)(nl - line) : have;
            line[*len] = '\0'; /* the newline, or the byte kept spare after the data */
            r->start = nl ? (size_t)(nl + 1 - r->buf) : r->end;
            return line;
        }
        if (r->is_at_end)
            return NULL;
        if (have && r->start)
            memmove(r->buf, line, have);
        r->start = 0;
        r->end = have;
        if (r->end + 1 >= r->cap) {
            r->cap = r->cap ? 2 * r->cap : FIRST_CAP;
            r->buf = xrealloc(r->buf, r->cap);
        }
        size_t got = fread(r->buf + r->end, 1, r->cap - r->end - 1, r->in);
        r->end += got;
        r->is_at_end = got == 0;
    }
}

void line_reader_fini(struct line_reader *r)
{
    free(r->buf);
    r->buf = NULL;
    r->cap = r->start = r->end = 0;
}
