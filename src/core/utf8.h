/* The one UTF-8 validator: every untrusted body, form and query string passes it first. */
#ifndef CORE_UTF8_H
#define CORE_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* Returns true when the n bytes are well-formed UTF-8 (no overlongs, surrogates, values past
 * U+10FFFF) and contain no NUL byte. */
bool utf8_is_valid(const char *s, size_t n);
/* Returns the number of code points in valid UTF-8 text s. */
size_t utf8_length(const char *s);

#endif
