/* Parses credentials = auth-scheme 1*SP token68 (RFC 7235 section 2.1, RFC 6750 section 2.1). */
#include "bearer.h"

#include <stdbool.h>
#include <strings.h>

static bool is_token68(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
}

const char *auth_bearer_parse(const char *header, size_t *len)
{
    if (!header)
        return NULL;
    while (*header == ' ' || *header == '\t')
        header++;
    if (strncasecmp(header, "Bearer", 6) != 0 || (header[6] != ' ' && header[6] != '\t'))
        return NULL;
    const char *p = header + 6;
    while (*p == ' ' || *p == '\t')
        p++;
    const char *start = p;
    while (is_token68(*p))
        p++;
    size_t n = (size_t)(p - start);
    while (*p == '=')
        p++;
    const char *end = p;
    while (*p == ' ' || *p == '\t')
        p++;
    if (n == 0 || *p != '\0')
        return NULL;
    *len = (size_t)(end - start);
    return start;
}
