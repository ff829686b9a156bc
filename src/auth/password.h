/* Password hashing for sign-in: argon2id through libsodium. */
#ifndef AUTH_PASSWORD_H
#define AUTH_PASSWORD_H

#include <sodium.h>
#include <stdbool.h>

enum { AUTH_PASSWORD_HASH_MAX = crypto_pwhash_STRBYTES };

/* Writes the encoded argon2id hash of password into out; false when out of memory. */
bool auth_password_hash(const char *password, char out[AUTH_PASSWORD_HASH_MAX]);
/* Returns true when password matches the encoded hash. */
bool auth_password_verify(const char *hash, const char *password);

#endif
