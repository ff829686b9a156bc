/* The Authorization header: "Bearer <token>", scheme name case-insensitive (RFC 7235). */
#ifndef AUTH_BEARER_H
#define AUTH_BEARER_H

#include <stddef.h>

/* Returns a pointer into header at the token and its length in *len, or NULL when the header
 * is absent, uses another scheme, or the credentials are not one token68 word. */
const char *auth_bearer_parse(const char *header, size_t *len);

#endif
