/* Tokens are 32 random bytes in base64url behind a kind prefix. The database keeps a keyed
 * hash (to find one) and a secretbox of the raw value (to show it again). */
#include "token.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { MASTER_KEY_LEN = 32, RANDOM_BYTES = 32, KEY_HEX_LEN = 64 };

static const char *prefix_of(enum store_token_kind kind)
{
    return kind == STORE_TOKEN_PERSONAL ? "sdp_" : "sds_";
}

static void derive(struct auth_keys *keys, const unsigned char master[MASTER_KEY_LEN])
{
    crypto_kdf_derive_from_key(keys->hash_key, sizeof(keys->hash_key), 1, "sdtokens", master);
    crypto_kdf_derive_from_key(keys->box_key, sizeof(keys->box_key), 2, "sdtokens", master);
}

static bool create_key_file(const char *path, char *err, size_t errlen)
{
    unsigned char master[MASTER_KEY_LEN];
    char hex[KEY_HEX_LEN + 2];
    randombytes_buf(master, sizeof(master));
    sodium_bin2hex(hex, sizeof(hex), master, sizeof(master));
    sodium_memzero(master, sizeof(master));
    hex[KEY_HEX_LEN] = '\n';
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST)
            return true; /* another process made it first; load that one */
        snprintf(err, errlen, "cannot create key file %s: %s", path, strerror(errno));
        return false;
    }
    bool ok = write(fd, hex, KEY_HEX_LEN + 1) == KEY_HEX_LEN + 1 && fsync(fd) == 0;
    close(fd);
    sodium_memzero(hex, sizeof(hex));
    if (!ok)
        snprintf(err, errlen, "cannot write key file %s", path);
    return ok;
}

bool auth_keys_load(struct auth_keys *keys, const char *path, bool create, char *err, size_t errlen)
{
    if (sodium_init() < 0) {
        snprintf(err, errlen, "libsodium cannot initialise");
        return false;
    }
    if (create && access(path, F_OK) != 0 && !create_key_file(path, err, errlen))
        return false;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open key file %s: %s (run 'screendesk init' first)", path,
                 strerror(errno));
        return false;
    }
    char hex[KEY_HEX_LEN + 8];
    ssize_t n = read(fd, hex, sizeof(hex) - 1);
    close(fd);
    unsigned char master[MASTER_KEY_LEN];
    size_t bin_len = 0;
    bool ok = n >= KEY_HEX_LEN &&
              sodium_hex2bin(master, sizeof(master), hex, KEY_HEX_LEN, NULL, &bin_len, NULL) == 0 &&
              bin_len == MASTER_KEY_LEN;
    sodium_memzero(hex, sizeof(hex));
    if (!ok) {
        snprintf(err, errlen, "key file %s does not hold a 64-digit hexadecimal key", path);
        return false;
    }
    derive(keys, master);
    sodium_memzero(master, sizeof(master));
    return true;
}

void auth_keys_fini(struct auth_keys *keys)
{
    sodium_memzero(keys, sizeof(*keys));
}

void auth_token_generate(enum store_token_kind kind, char out[AUTH_TOKEN_RAW_MAX])
{
    unsigned char bytes[RANDOM_BYTES];
    randombytes_buf(bytes, sizeof(bytes));
    memcpy(out, prefix_of(kind), 4);
    sodium_bin2base64(out + 4, AUTH_TOKEN_RAW_MAX - 4, bytes, sizeof(bytes),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(bytes, sizeof(bytes));
}

void auth_token_hash(const struct auth_keys *keys, const char *raw,
                     unsigned char out[AUTH_TOKEN_HASH_LEN])
{
    crypto_generichash(out, AUTH_TOKEN_HASH_LEN, (const unsigned char *)raw, strlen(raw),
                       keys->hash_key, sizeof(keys->hash_key));
}

unsigned char *auth_token_seal(const struct auth_keys *keys, struct arena *ar, const char *raw,
                               size_t *len)
{
    size_t raw_len = strlen(raw);
    *len = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + raw_len;
    unsigned char *blob = arena_alloc(ar, *len);
    randombytes_buf(blob, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(blob + crypto_secretbox_NONCEBYTES, (const unsigned char *)raw, raw_len,
                          blob, keys->box_key);
    return blob;
}

char *auth_token_open(const struct auth_keys *keys, struct arena *ar, const unsigned char *blob,
                      size_t len)
{
    if (len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
        return NULL;
    size_t raw_len = len - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
    char *raw = arena_alloc(ar, raw_len + 1);
    if (crypto_secretbox_open_easy((unsigned char *)raw, blob + crypto_secretbox_NONCEBYTES,
                                   len - crypto_secretbox_NONCEBYTES, blob, keys->box_key) != 0)
        return NULL;
    raw[raw_len] = '\0';
    return raw;
}

bool auth_is_base64url(const char *s, size_t n)
{
    size_t i = 0;
    for (; s[i]; i++) {
        char c = s[i];
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_';
        if (!ok || i >= n)
            return false;
    }
    return i == n;
}

bool auth_token_is_well_formed(enum store_token_kind kind, const char *raw)
{
    return strncmp(raw, prefix_of(kind), 4) == 0 && auth_is_base64url(raw + 4, 43);
}

enum store_status auth_token_issue(struct store_conn *c, const struct auth_keys *keys,
                                   struct arena *ar, enum store_token_kind kind,
                                   const char *account_id, const char *user_id, const char *name,
                                   int64_t now, char raw[AUTH_TOKEN_RAW_MAX], struct store_token *t)
{
    unsigned char hash[AUTH_TOKEN_HASH_LEN];
    memset(t, 0, sizeof(*t));
    t->name = (char *)name;
    t->created_at = now;
    uuid_v7_new(t->id);
    snprintf(t->account_id, sizeof(t->account_id), "%s", account_id);
    snprintf(t->user_id, sizeof(t->user_id), "%s", user_id ? user_id : "");
    auth_token_generate(kind, raw);
    auth_token_hash(keys, raw, hash);
    t->hash = arena_alloc(ar, sizeof(hash));
    memcpy(t->hash, hash, sizeof(hash));
    t->hash_len = sizeof(hash);
    t->secret = auth_token_seal(keys, ar, raw, &t->secret_len);
    enum store_status s = store_token_insert(c, kind, t);
    if (s != STORE_OK)
        sodium_memzero(raw, AUTH_TOKEN_RAW_MAX);
    return s;
}
