/* Browser sessions: the cookie's random value, its keyed hash (what the database keeps) and
 * the CSRF token that forms carry, derived from the cookie so that nothing more is stored. */
#ifndef AUTH_SESSION_H
#define AUTH_SESSION_H

#include "auth/token.h"

#include <stdbool.h>

enum {
    AUTH_SESSION_RAW_LEN = 44, /* 43 base64url characters (256 random bits) and a NUL */
    AUTH_CSRF_LEN = 44,
};

/* Writes a new random cookie value into out. */
void auth_session_generate(char out[AUTH_SESSION_RAW_LEN]);
/* Returns true when raw has the shape auth_session_generate makes. */
bool auth_session_is_well_formed(const char *raw);
/* Writes the keyed hash by which the session is stored and found (AUTH_TOKEN_HASH_LEN bytes).
 * Kept apart from token hashes: the same text never hashes alike as a token and a session. */
void auth_session_hash(const struct auth_keys *keys, const char *raw,
                       unsigned char out[AUTH_TOKEN_HASH_LEN]);
/* Writes the CSRF token of the cookie value raw into out. */
void auth_csrf_token(const struct auth_keys *keys, const char *raw, char out[AUTH_CSRF_LEN]);
/* Returns true when presented is the CSRF token of raw; compares in constant time. */
bool auth_csrf_check(const struct auth_keys *keys, const char *raw, const char *presented);

#endif
