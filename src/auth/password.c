/* argon2id with libsodium's interactive limits: about 64 MiB and a fraction of a second. */
#include "password.h"

#include <string.h>

bool auth_password_hash(const char *password, char out[AUTH_PASSWORD_HASH_MAX])
{
    return crypto_pwhash_str_alg(
               out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
               crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) == 0;
}

bool auth_password_verify(const char *hash, const char *password)
{
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}
