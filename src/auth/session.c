/* Session values are 32 random bytes in base64url. Hashes and CSRF tokens are keyed BLAKE2b
 * with a label in front, so no value serves two purposes. */
#include "session.h"

#include <sodium.h>
#include <string.h>

enum { RANDOM_BYTES = 32, RAW_CHARS = 43 };

void auth_session_generate(char out[AUTH_SESSION_RAW_LEN])
{
    unsigned char bytes[RANDOM_BYTES];
    randombytes_buf(bytes, sizeof(bytes));
    sodium_bin2base64(out, AUTH_SESSION_RAW_LEN, bytes, sizeof(bytes),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(bytes, sizeof(bytes));
}

bool auth_session_is_well_formed(const char *raw)
{
    return raw && auth_is_base64url(raw, RAW_CHARS);
}

/* Keyed BLAKE2b of label || raw into out (len bytes). */
static void labelled_hash(const struct auth_keys *keys, const char *label, const char *raw,
                          unsigned char *out, size_t len)
{
    crypto_generichash_state st;
    crypto_generichash_init(&st, keys->hash_key, sizeof(keys->hash_key), len);
    crypto_generichash_update(&st, (const unsigned char *)label, strlen(label) + 1);
    crypto_generichash_update(&st, (const unsigned char *)raw, strlen(raw));
    crypto_generichash_final(&st, out, len);
}

void auth_session_hash(const struct auth_keys *keys, const char *raw,
                       unsigned char out[AUTH_TOKEN_HASH_LEN])
{
    labelled_hash(keys, "session", raw, out, AUTH_TOKEN_HASH_LEN);
}

void auth_csrf_token(const struct auth_keys *keys, const char *raw, char out[AUTH_CSRF_LEN])
{
    unsigned char mac[RANDOM_BYTES];
    labelled_hash(keys, "csrf", raw, mac, sizeof(mac));
    sodium_bin2base64(out, AUTH_CSRF_LEN, mac, sizeof(mac),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

bool auth_csrf_check(const struct auth_keys *keys, const char *raw, const char *presented)
{
    if (!raw || !presented || strlen(presented) != AUTH_CSRF_LEN - 1)
        return false;
    char want[AUTH_CSRF_LEN];
    auth_csrf_token(keys, raw, want);
    return sodium_memcmp(want, presented, AUTH_CSRF_LEN - 1) == 0;
}
