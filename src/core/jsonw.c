/* JSON string escaping (RFC 8259 section 7); input is assumed valid UTF-8. Plain runs (the
 * common case: no quote, backslash or control character) are found with a table and copied
 * in one append. */
#include "jsonw.h"

#include <string.h>

/* 1 for the bytes that need an escape: controls, '"' and '\\'. */
static const unsigned char needs_escape[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
};

static bool append_escape(struct buf *b, unsigned char c)
{
    static const char hex[] = "0123456789abcdef";
    char esc[6] = {'\\', 0, 0, 0, 0, 0};
    size_t n = 2;
    switch (c) {
    case '"':
    case '\\':
        esc[1] = (char)c;
        break;
    case '\n':
        esc[1] = 'n';
        break;
    case '\r':
        esc[1] = 'r';
        break;
    case '\t':
        esc[1] = 't';
        break;
    default:
        esc[1] = 'u';
        esc[2] = '0';
        esc[3] = '0';
        esc[4] = hex[c >> 4];
        esc[5] = hex[c & 15];
        n = 6;
    }
    return buf_append(b, esc, n);
}

bool jsonw_key(struct buf *b, const char *k)
{
    return buf_append(b, "\"", 1) && buf_puts(b, k) && buf_append(b, "\":", 2);
}

bool jsonw_string(struct buf *b, const char *s)
{
    if (!s)
        return buf_append(b, "null", 4);
    if (!buf_append(b, "\"", 1))
        return false;
    const unsigned char *p = (const unsigned char *)s;
    for (;;) {
        const unsigned char *run = p;
        while (*p && !needs_escape[*p])
            p++;
        if (p > run && !buf_append(b, run, (size_t)(p - run)))
            return false;
        if (!*p)
            break;
        if (!append_escape(b, *p))
            return false;
        p++;
    }
    return buf_append(b, "\"", 1);
}
