/* The ordered checks of a request's credentials: who is calling, and may they use this API. */
#ifndef AUTH_AUTHORIZE_H
#define AUTH_AUTHORIZE_H

#include "auth/token.h"
#include "store/store.h"

/* A personal token's "last used" time is written at most this often. */
enum { AUTH_LAST_USED_EVERY_MS = 60 * 1000 };

enum auth_result {
    AUTH_OK,
    AUTH_UNAUTHENTICATED, /* 401: no or malformed header, unknown/revoked token, inactive user */
    AUTH_PLAN,            /* 403: the account is not on the enterprise plan */
    AUTH_API_OFF,         /* 403: API access switched off (REST only) */
    AUTH_UNAVAILABLE,     /* 503: the database could not answer */
};

/* Checks header (the raw Authorization value, may be NULL) for a token of kind, in the order
 * SPEC section 2 gives. On AUTH_OK fills *who (strings in ar). */
enum auth_result auth_authorize(struct store_conn *c, const struct auth_keys *keys,
                                struct arena *ar, enum store_token_kind kind, const char *header,
                                struct store_principal *who);
/* Records that the personal token who was used now, unless that was recorded in the last
 * minute. */
void auth_record_use(struct store_conn *c, const struct store_principal *who);

#endif
