/* Growing byte buffer with a maximum fixed at init. */
#ifndef CORE_BUF_H
#define CORE_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct buf {
    char *data; /* NUL-terminated when len > 0 or after buf_append */
    size_t len;
    size_t cap;
    size_t max; /* appends that would pass this fail */
};

/* Prepares an empty buffer that will hold at most max bytes. */
void buf_init(struct buf *b, size_t max);
/* Frees the buffer's memory and empties it. */
void buf_fini(struct buf *b);
/* Appends n bytes; returns false (buffer unchanged) when len would pass max. */
bool buf_append(struct buf *b, const void *data, size_t n);
/* Appends a NUL-terminated string; false past max. */
bool buf_puts(struct buf *b, const char *s);
/* Appends v in decimal; false past max. */
bool buf_put_int(struct buf *b, long long v);
/* Appends formatted text; false past max. */
bool buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Makes room for n more bytes at once (appends grow the buffer by doubling); false past max. */
bool buf_reserve(struct buf *b, size_t n);
/* Empties the buffer, keeping its memory. */
void buf_reset(struct buf *b);

#endif
