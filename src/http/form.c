/* Form decoding per the WHATWG URL standard's application/x-www-form-urlencoded parser, but
 * strict: a broken percent escape is an error instead of passing through. No I/O. */
#include "form.h"

#include "core/utf8.h"

#include <string.h>

static int hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes s[0..n) into an arena string; NULL when malformed or not UTF-8. */
static const char *decode(struct arena *ar, const char *s, size_t n)
{
    char *out = arena_alloc(ar, n + 1);
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+') {
            out[j++] = ' ';
        } else if (s[i] == '%') {
            if (n - i < 3)
                return NULL;
            int h = hex(s[i + 1]), l = hex(s[i + 2]);
            if (h < 0 || l < 0)
                return NULL;
            out[j++] = (char)(h * 16 + l);
            i += 2;
        } else {
            out[j++] = s[i];
        }
    }
    out[j] = '\0';
    return utf8_is_valid(out, j) ? out : NULL;
}

bool http_form_parse(struct arena *ar, const char *text, size_t n, struct http_form_field **fields,
                     size_t *count)
{
    size_t max = 1;
    for (size_t i = 0; i < n; i++)
        max += text[i] == '&';
    *fields = arena_calloc(ar, max, sizeof(**fields));
    *count = 0;
    size_t start = 0;
    while (start <= n) {
        const char *seg = text + start;
        const char *amp = memchr(seg, '&', n - start);
        size_t len = amp ? (size_t)(amp - seg) : n - start;
        if (len > 0) {
            const char *eq = memchr(seg, '=', len);
            size_t name_len = eq ? (size_t)(eq - seg) : len;
            const char *name = decode(ar, seg, name_len);
            const char *value = eq ? decode(ar, eq + 1, len - name_len - 1) : "";
            if (!name || !value)
                return false;
            (*fields)[*count].name = name;
            (*fields)[*count].value = value;
            (*count)++;
        }
        start += len + 1;
    }
    return true;
}

const char *http_form_get(const struct http_form_field *fields, size_t count, const char *name)
{
    const char *found = NULL;
    for (size_t i = 0; i < count; i++) {
        if (strcmp(fields[i].name, name) == 0)
            found = fields[i].value;
    }
    return found;
}
