/* UUIDv7: 48 bits of Unix milliseconds, then random bits from libsodium. Ids are not
 * secrets: each thread draws its random bits from a buffer refilled 4 KiB at a time, one
 * getrandom call for hundreds of ids instead of one each. */
#include "uuid.h"

#include "time.h"

#include <sodium.h>
#include <stdint.h>
#include <string.h>

enum { POOL_BYTES = 4096 };

static _Thread_local unsigned char pool[POOL_BYTES];
static _Thread_local size_t pool_left;

static void random_bits(unsigned char *out, size_t n)
{
    if (pool_left < n) {
        randombytes_buf(pool, sizeof(pool));
        pool_left = sizeof(pool);
    }
    memcpy(out, pool + sizeof(pool) - pool_left, n);
    pool_left -= n;
}

void uuid_v7_new(char out[UUID_LEN])
{
    unsigned char b[16];
    uint64_t ms = (uint64_t)time_now_ms();
    random_bits(b + 6, 10);
    for (int i = 0; i < 6; i++)
        b[i] = (unsigned char)(ms >> (40 - 8 * i));
    b[6] = (unsigned char)((b[6] & 0x0F) | 0x70);
    b[8] = (unsigned char)((b[8] & 0x3F) | 0x80);
    static const char hex[] = "0123456789abcdef";
    char *p = out;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *p++ = '-';
        *p++ = hex[b[i] >> 4];
        *p++ = hex[b[i] & 15];
    }
    *p = '\0';
}

bool uuid_is_valid(const char *s)
{
    if (strlen(s) != 36)
        return false;
    for (int i = 0; i < 36; i++) {
        char c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-')
                return false;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
            return false;
        }
    }
    return true;
}
