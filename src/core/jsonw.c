/* JSON string escaping (RFC 8259 section 7); input is assumed valid UTF-8. */
#include "jsonw.h"

#include <stdio.h>

bool jsonw_string(struct buf *b, const char *s)
{
    if (!s)
        return buf_append(b, "null", 4);
    if (!buf_append(b, "\"", 1))
        return false;
    const char *run = s;
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        if (!buf_append(b, run, (size_t)(p - run)))
            return false;
        char esc[8];
        switch (c) {
        case '"':
            snprintf(esc, sizeof(esc), "\\\"");
            break;
        case '\\':
            snprintf(esc, sizeof(esc), "\\\\");
            break;
        case '\n':
            snprintf(esc, sizeof(esc), "\\n");
            break;
        case '\r':
            snprintf(esc, sizeof(esc), "\\r");
            break;
        case '\t':
            snprintf(esc, sizeof(esc), "\\t");
            break;
        default:
            snprintf(esc, sizeof(esc), "\\u%04x", c);
        }
        if (!buf_puts(b, esc))
            return false;
        run = p + 1;
    }
    const char *end = run;
    while (*end)
        end++;
    return buf_append(b, run, (size_t)(end - run)) && buf_append(b, "\"", 1);
}
