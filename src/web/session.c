/* Who is signed in: the session cookie, checked against the database on every page, so that a
 * deactivated or deleted user's sessions end at once on every server. And what every form
 * must carry to be believed. */
#include "web.h"

#include "auth/session.h"
#include "core/time.h"

#include <string.h>
#include <strings.h>

/* Forgets the browser's session cookie and sends it to the sign-in page. */
static int to_signin(struct api_call *call)
{
    web_set_cookie(call, WEB_SESSION_COOKIE, "", 0);
    return web_redirect(call, "/signin");
}

int web_authorize(struct api_call *call)
{
    const char *raw = http_request_cookie(call->req, WEB_SESSION_COOKIE);
    if (!auth_session_is_well_formed(raw))
        return raw ? to_signin(call) : web_redirect(call, "/signin");
    unsigned char hash[AUTH_TOKEN_HASH_LEN];
    auth_session_hash(call->app->keys, raw, hash);
    struct store_session_view *v = &call->session;
    enum store_status s = store_session_lookup(call->conn, call->arena, hash, sizeof(hash), v);
    if (s == STORE_NOT_FOUND)
        return to_signin(call);
    if (s != STORE_OK)
        return web_store_error(call, s,
                               "Screendesk cannot reach its database just now. Please try again "
                               "in a moment.");
    if (v->expires_at <= time_now_ms() || !v->user.is_active) {
        (void)store_session_delete(call->conn, v->user.account_id, v->id);
        return to_signin(call);
    }
    call->session_raw = arena_strdup(call->arena, raw);
    call->req->account_id = arena_strdup(call->arena, v->user.account_id);
    return 0;
}

/* True when the request's Origin header, if any, names this very host. Browsers send it with
 * every POST; a page elsewhere cannot forge it. */
static bool is_same_origin(const struct http_request *req)
{
    const char *origin = http_request_header(req, "Origin");
    if (!origin)
        return true;
    const char *host = http_request_header(req, "Host");
    const char *rest = NULL;
    if (strncasecmp(origin, "http://", 7) == 0)
        rest = origin + 7;
    else if (strncasecmp(origin, "https://", 8) == 0)
        rest = origin + 8;
    return rest && host && strcasecmp(rest, host) == 0;
}

int web_read_form(struct api_call *call, const char *raw, struct http_form_field **fields,
                  size_t *n)
{
    if (!is_same_origin(call->req))
        return web_message(call, 403, "Request refused",
                           "This form was sent from another site, so it was not accepted.");
    const char *type = http_request_header(call->req, "Content-Type");
    if (!type || strncasecmp(type, "application/x-www-form-urlencoded", 33) != 0)
        return web_message(call, 415, "Request refused", "This page accepts only form posts.");
    const struct buf *body = &call->req->body;
    if (!http_form_parse(call->arena, body->len ? body->data : "", body->len, fields, n))
        return web_message(call, 400, "Request refused", "The form could not be read.");
    if (!auth_csrf_check(call->app->keys, raw, http_form_get(*fields, *n, "csrf")))
        return web_message(call, 403, "This form has expired",
                           "The page was open too long or in another session. Go back, reload "
                           "the page and try again.");
    return 0;
}
