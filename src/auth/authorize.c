/* Each request checks its token against the database: a revoked token or a deactivated user
 * fails at once on every server process, with no cache to go stale. */
#include "authorize.h"

#include "auth/bearer.h"
#include "core/time.h"

#include <string.h>

enum auth_result auth_authorize(struct store_conn *c, const struct auth_keys *keys,
                                struct arena *ar, enum store_token_kind kind, const char *header,
                                struct store_principal *who)
{
    size_t len = 0;
    const char *tok = auth_bearer_parse(header, &len);
    if (!tok || len >= AUTH_TOKEN_RAW_MAX)
        return AUTH_UNAUTHENTICATED;
    char raw[AUTH_TOKEN_RAW_MAX];
    memcpy(raw, tok, len);
    raw[len] = '\0';
    if (!auth_token_is_well_formed(kind, raw))
        return AUTH_UNAUTHENTICATED;
    unsigned char hash[AUTH_TOKEN_HASH_LEN];
    auth_token_hash(keys, raw, hash);
    enum store_status s = store_auth_lookup(c, ar, kind, hash, sizeof(hash), who);
    if (s == STORE_NOT_FOUND)
        return AUTH_UNAUTHENTICATED;
    if (s != STORE_OK)
        return AUTH_UNAVAILABLE;
    if (who->is_revoked || !who->is_user_active)
        return AUTH_UNAUTHENTICATED;
    if (strcmp(who->plan, "enterprise") != 0)
        return AUTH_PLAN;
    if (kind == STORE_TOKEN_PERSONAL && !who->has_api_access)
        return AUTH_API_OFF;
    return AUTH_OK;
}

void auth_record_use(struct store_conn *c, const struct store_principal *who)
{
    /* One write a minute per token at most; a failed write only delays it to the next
     * request. SCIM tokens keep no "last used". */
    int64_t now = time_now_ms();
    if (who->user_id[0] && now - who->last_used_at >= AUTH_LAST_USED_EVERY_MS)
        (void)store_token_touch(c, who->account_id, who->token_id, now);
}
