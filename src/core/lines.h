/* Lines from a stream, for NDJSON input: a line is held whole only up to a limit, so no line,
 * however long, makes memory grow past about twice that limit. */
#ifndef CORE_LINES_H
#define CORE_LINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct line_reader {
    FILE *in;
    size_t limit; /* the longest line handed over whole */
    char *buf;
    size_t cap, start, end;
    bool is_at_end;
};

/* Returns the next line with its newline replaced by a NUL, its length in *len; a line longer
 * than r->limit comes cut, with *len > limit (the rest of it not read). NULL at the end of the
 * input or after a read error (ferror(r->in) tells). A last line without newline counts. */
const char *line_next(struct line_reader *r, size_t *len);
/* Frees the reader's buffer (not the stream). */
void line_reader_fini(struct line_reader *r);

#endif
