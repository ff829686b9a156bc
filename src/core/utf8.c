/* UTF-8 validation per RFC 3629 table 3-7: exact byte ranges, so no overlong forms. */
#include "utf8.h"

#include <stdint.h>
#include <string.h>

enum { WORD = sizeof(uint64_t) };

/* True when the eight bytes at s are all ASCII and none is NUL: no byte has its top bit set,
 * and none is zero (b - 1 borrows into the top bit only from a zero byte). */
static bool word_is_plain_ascii(const unsigned char *s)
{
    uint64_t w;
    memcpy(&w, s, WORD);
    const uint64_t ones = 0x0101010101010101u, tops = 0x8080808080808080u;
    return ((w | (w - ones)) & tops) == 0;
}

bool utf8_is_valid(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        /* Most text is ASCII: eight bytes a step until a byte needs a closer look. */
        while (n - i >= WORD && word_is_plain_ascii(s + i))
            i += WORD;
        if (i == n)
            break;
        unsigned char c = s[i];
        if (c == 0)
            return false;
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len;
        unsigned char lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            if (c == 0xE0)
                lo = 0xA0;
            else if (c == 0xED)
                hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            if (c == 0xF0)
                lo = 0x90;
            else if (c == 0xF4)
                hi = 0x8F;
        } else {
            return false;
        }
        if (n - i < len)
            return false;
        if (s[i + 1] < lo || s[i + 1] > hi)
            return false;
        for (size_t k = 2; k < len; k++) {
            if (s[i + k] < 0x80 || s[i + k] > 0xBF)
                return false;
        }
        i += len;
    }
    return true;
}

size_t utf8_length(const char *str)
{
    size_t n = 0;
    for (const unsigned char *s = (const unsigned char *)str; *s; s++) {
        if ((*s & 0xC0) != 0x80)
            n++;
    }
    return n;
}
