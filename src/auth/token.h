/* Token secrets: generation, keyed hashing for look-up, and encryption of the raw value at rest.
 * The master key lives in a key file, never in the database. */
#ifndef AUTH_TOKEN_H
#define AUTH_TOKEN_H

#include "core/arena.h"
#include "store/store.h"

#include <stdbool.h>
#include <stddef.h>

enum {
    AUTH_TOKEN_HASH_LEN = 32,
    AUTH_TOKEN_RAW_MAX = 64, /* "sdp_" + 43 base64url characters + NUL fits */
};

/* Keys derived from the master key; caller-owned, wiped by auth_keys_fini. */
struct auth_keys {
    unsigned char hash_key[32];
    unsigned char box_key[32];
};

/* Loads the master key from path into keys. With create, makes the file (mode 0600) with a new
 * random key when it does not exist. Returns false with a message in err otherwise. */
bool auth_keys_load(struct auth_keys *keys, const char *path, bool create, char *err,
                    size_t errlen);
/* Wipes the keys from memory. */
void auth_keys_fini(struct auth_keys *keys);
/* Writes a new raw token of the kind ("sdp_..." or "sds_...", 256 random bits) into out. */
void auth_token_generate(enum store_token_kind kind, char out[AUTH_TOKEN_RAW_MAX]);
/* Writes the keyed BLAKE2b hash of raw (AUTH_TOKEN_HASH_LEN bytes) into out. */
void auth_token_hash(const struct auth_keys *keys, const char *raw,
                     unsigned char out[AUTH_TOKEN_HASH_LEN]);
/* Encrypts raw; returns an arena blob (nonce + box) and its length in *len. */
unsigned char *auth_token_seal(const struct auth_keys *keys, struct arena *ar, const char *raw,
                               size_t *len);
/* Decrypts a sealed blob; returns the raw token in the arena, or NULL when the key is wrong or
 * the blob damaged. */
char *auth_token_open(const struct auth_keys *keys, struct arena *ar, const unsigned char *blob,
                      size_t len);
/* Returns true when raw has the shape of a token of kind (prefix, length, alphabet). */
bool auth_token_is_well_formed(enum store_token_kind kind, const char *raw);
/* Returns true when s is n base64url characters (the alphabet of raw tokens), no more. */
bool auth_is_base64url(const char *s, size_t n);
/* Makes a new token of kind for the account (and user_id, when personal), stores its hash and
 * sealed raw value, and fills *t (strings borrowed or in ar) and raw. On failure raw is wiped. */
enum store_status auth_token_issue(struct store_conn *c, const struct auth_keys *keys,
                                   struct arena *ar, enum store_token_kind kind,
                                   const char *account_id, const char *user_id, const char *name,
                                   int64_t now, char raw[AUTH_TOKEN_RAW_MAX],
                                   struct store_token *t);

#endif
