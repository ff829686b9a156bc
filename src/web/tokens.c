/* Personal Settings: the Profile tab and the API Tokens tab (create, view, rename, revoke).
 * Every page checks that the token belongs to the signed-in user; another user's token id
 * answers as one that does not exist. */
#include "web.h"

#include "auth/session.h"
#include "core/limits.h"
#include "core/time.h"
#include "core/utf8.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

int web_home(struct api_call *call)
{
    return web_redirect(call, "/settings/tokens");
}

int web_settings(struct api_call *call)
{
    return web_redirect(call, "/settings/tokens");
}

/* "Personal Settings" and its two tabs; active is "profile" or "tokens". */
static void settings_begin(struct web_page *p, struct api_call *call, int status, const char *title,
                           const char *active)
{
    web_page_begin(p, call, status, title);
    bool on_tokens = strcmp(active, "tokens") == 0;
    buf_printf(p->b,
               "<h1>Personal Settings</h1>\n"
               "<nav class=\"tabs\" aria-label=\"Personal Settings\">\n"
               "<a href=\"/settings/profile\"%s>Profile</a>\n"
               "<a href=\"/settings/tokens\"%s>API Tokens</a>\n</nav>\n",
               on_tokens ? "" : " aria-current=\"page\"",
               on_tokens ? " aria-current=\"page\"" : "");
}

int web_profile(struct api_call *call)
{
    const struct store_session_view *v = &call->session;
    struct web_page p;
    settings_begin(&p, call, 200, "Profile · Personal Settings", "profile");
    buf_printf(p.b,
               "<section class=\"card\" aria-labelledby=\"profile-h\">\n"
               "<h2 id=\"profile-h\">Profile</h2>\n<dl class=\"facts\">\n"
               "<dt>Name</dt><dd>%s</dd>\n<dt>Email</dt><dd>%s</dd>\n"
               "<dt>Role</dt><dd>%s</dd>\n<dt>Account</dt><dd>%s</dd>\n"
               "<dt>Plan</dt><dd>%s</dd>\n</dl>\n"
               "<p class=\"hint\">Your name, email and role are managed by your account's "
               "administrators or identity provider.</p>\n</section>\n",
               web_html(call, v->user.name && *v->user.name ? v->user.name : "—"),
               web_html(call, v->user.email), store_user_role(&v->user),
               web_html(call, v->account_name), web_html(call, v->plan));
    return web_page_end(&p);
}

/* Loads the token id when it is the signed-in user's: another user's is STORE_NOT_FOUND. */
static enum store_status find_own_token(struct api_call *call, const char *id,
                                        struct store_token *t)
{
    enum store_status s = store_token_get(call->conn, call->arena, STORE_TOKEN_PERSONAL, id, t);
    const struct store_user *u = &call->session.user;
    if (s == STORE_OK &&
        (strcmp(t->account_id, u->account_id) != 0 || strcmp(t->user_id, u->id) != 0))
        s = STORE_NOT_FOUND;
    return s;
}

/* Loads the token id when it is the signed-in user's; else answers 404 (or 503). */
static int own_token(struct api_call *call, const char *id, struct store_token *t)
{
    enum store_status s = find_own_token(call, id, t);
    if (s == STORE_NOT_FOUND)
        return web_message(call, 404, "Token not found",
                           "There is no such token among yours. It may have been deleted.");
    if (s != STORE_OK)
        return web_store_error(call, s,
                               "Screendesk cannot reach its database just now. Please try again.");
    return 0;
}

/* The raw token in a read-only field with a Copy button (shown when scripts run). */
static void secret_field(struct web_page *p, const struct store_token *t)
{
    const char *raw = auth_token_open(p->call->app->keys, p->call->arena, t->secret, t->secret_len);
    if (!raw) {
        buf_puts(p->b, "<p class=\"alert error\">The raw value cannot be shown: the server's key "
                       "does not open it.</p>\n");
        return;
    }
    buf_printf(p->b,
               "<div class=\"secret\">\n<label for=\"token-value\">Token</label>\n"
               "<div class=\"copy-row\">\n<input id=\"token-value\" class=\"mono\" type=\"text\" "
               "readonly spellcheck=\"false\" autocomplete=\"off\" value=\"%s\">\n"
               "<button type=\"button\" class=\"primary\" data-copy=\"token-value\" hidden>Copy"
               "</button>\n</div>\n<p class=\"copy-status\" role=\"status\" aria-live=\"polite\">"
               "</p>\n</div>\n",
               web_html(p->call, raw));
}

/* A warning when the account cannot use its tokens on the API. */
static void access_notice(struct web_page *p)
{
    const struct store_session_view *v = &p->call->session;
    if (strcmp(v->plan, "enterprise") != 0)
        buf_printf(p->b,
                   "<p class=\"alert warning\">Your account is on the %s plan. API access requires "
                   "the Enterprise plan: until then the API refuses these tokens.</p>\n",
                   web_html(p->call, v->plan));
    else if (!v->has_api_access)
        buf_puts(p->b, "<p class=\"alert warning\">API access is switched off for your account: "
                       "the API refuses these tokens until an administrator switches it on.</p>\n");
}

static void token_row(struct web_page *p, const struct store_token *t)
{
    struct api_call *call = p->call;
    const char *name = web_html(call, t->name);
    buf_printf(p->b,
               "<tr%s>\n<th scope=\"row\" data-label=\"Name\">%s</th>\n<td data-label=\"Created\">",
               t->revoked_at ? " class=\"revoked\"" : "", name);
    web_time(p, t->created_at);
    buf_puts(p->b, "</td>\n<td data-label=\"Last used\">");
    web_time(p, t->last_used_at);
    buf_puts(p->b, "</td>\n<td data-label=\"Status\">");
    if (t->revoked_at) {
        buf_puts(p->b, "Revoked ");
        web_time(p, t->revoked_at);
    } else {
        buf_puts(p->b, "Active");
    }
    buf_printf(p->b,
               "</td>\n<td class=\"actions\">\n<a href=\"/settings/tokens/%s\">View<span "
               "class=\"visually-hidden\"> %s</span></a>\n",
               t->id, name);
    if (!t->revoked_at)
        buf_printf(p->b,
                   "<a href=\"/settings/tokens/%s/edit\">Rename<span class=\"visually-hidden\"> "
                   "%s</span></a>\n<a class=\"danger\" href=\"/settings/tokens/%s/revoke\">Revoke"
                   "<span class=\"visually-hidden\"> %s</span></a>\n",
                   t->id, name, t->id, name);
    buf_puts(p->b, "</td>\n</tr>\n");
}

/* The notice a redirect asked for (?notice=...), and the new token (?created=ID). */
static void notices(struct web_page *p)
{
    struct api_call *call = p->call;
    const char *notice = http_request_query(call->req, "notice");
    if (notice && strcmp(notice, "renamed") == 0)
        buf_puts(p->b, "<p class=\"alert success\" role=\"status\">Token renamed.</p>\n");
    else if (notice && strcmp(notice, "revoked") == 0)
        buf_puts(p->b, "<p class=\"alert success\" role=\"status\">Token revoked. It no longer "
                       "works with the API.</p>\n");
    const char *created = http_request_query(call->req, "created");
    struct store_token t;
    if (created && find_own_token(call, created, &t) == STORE_OK && !t.revoked_at) {
        buf_printf(p->b,
                   "<section class=\"card created\" aria-labelledby=\"created-h\">\n"
                   "<h3 id=\"created-h\">Token “%s” created</h3>\n"
                   "<p>Copy it now and keep it secret: anyone who has it can use the API as you. "
                   "You can view it again at any time from the table.</p>\n",
                   web_html(call, t.name));
        secret_field(p, &t);
        buf_puts(p->b, "</section>\n");
    }
}

int web_tokens(struct api_call *call)
{
    struct store_token *rows;
    size_t n;
    const struct store_user *u = &call->session.user;
    enum store_status s =
        store_token_list(call->conn, call->arena, u->account_id, u->id, &rows, &n);
    if (s != STORE_OK)
        return web_store_error(call, s,
                               "Screendesk cannot reach its database just now. Please try again.");
    struct web_page p;
    settings_begin(&p, call, 200, "API Tokens · Personal Settings", "tokens");
    buf_puts(p.b, "<section aria-labelledby=\"tokens-h\">\n<div class=\"heading-row\">\n"
                  "<h2 id=\"tokens-h\">API Tokens</h2>\n"
                  "<a class=\"button primary\" href=\"/settings/tokens/new\">Create an API Token"
                  "</a>\n</div>\n"
                  "<p>API tokens let scripts and integrations use the Screendesk API as you. "
                  "Send one in the <code>Authorization: Bearer</code> header.</p>\n");
    access_notice(&p);
    notices(&p);
    if (n == 0) {
        buf_puts(p.b, "<p class=\"empty\">You have no API tokens yet.</p>\n</section>\n");
        return web_page_end(&p);
    }
    buf_puts(p.b, "<table class=\"tokens\">\n<caption class=\"visually-hidden\">Your API tokens"
                  "</caption>\n<thead>\n<tr><th scope=\"col\">Name</th><th scope=\"col\">Created"
                  "</th><th scope=\"col\">Last used</th><th scope=\"col\">Status</th>"
                  "<th scope=\"col\"><span class=\"visually-hidden\">Actions</span></th></tr>\n"
                  "</thead>\n<tbody>\n");
    for (size_t i = 0; i < n; i++)
        token_row(&p, &rows[i]);
    buf_puts(p.b, "</tbody>\n</table>\n</section>\n");
    return web_page_end(&p);
}

/* A form with one name field: creating (token NULL) or renaming a token. */
static int name_form(struct api_call *call, int status, const struct store_token *t,
                     const char *value, const char *error)
{
    struct web_page p;
    settings_begin(&p, call, status,
                   t ? "Rename token · Personal Settings"
                     : "Create an API Token · Personal Settings",
                   "tokens");
    if (t)
        buf_printf(p.b,
                   "<section class=\"card narrow\" aria-labelledby=\"form-h\">\n"
                   "<h2 id=\"form-h\">Rename token “%s”</h2>\n"
                   "<form method=\"post\" action=\"/settings/tokens/%s/edit\" "
                   "class=\"stack\">\n",
                   web_html(call, t->name), t->id);
    else
        buf_puts(p.b, "<section class=\"card narrow\" aria-labelledby=\"form-h\">\n"
                      "<h2 id=\"form-h\">Create an API Token</h2>\n"
                      "<form method=\"post\" action=\"/settings/tokens\" class=\"stack\">\n");
    web_csrf_field(&p, call->session_raw);
    buf_puts(p.b, "<label for=\"token-name\">Token name</label>\n"
                  "<p class=\"hint\" id=\"token-name-hint\">A name that tells you where the token "
                  "is used, such as “Zendesk export”.</p>\n");
    if (error)
        buf_printf(p.b, "<p class=\"field-error\" id=\"token-name-error\">%s</p>\n",
                   web_html(call, error));
    buf_printf(
        p.b,
        "<input id=\"token-name\" name=\"name\" type=\"text\" required maxlength=\"%d\" "
        "autocomplete=\"off\" autofocus value=\"%s\" aria-describedby=\"token-name-hint%s\""
        "%s>\n<div class=\"buttons\">\n<button type=\"submit\" class=\"primary\">%s</button>\n"
        "<a class=\"button\" href=\"/settings/tokens\">Cancel</a>\n</div>\n</form>\n"
        "</section>\n",
        LIMIT_NAME_CHARS, web_html(call, value), error ? " token-name-error" : "",
        error ? " aria-invalid=\"true\"" : "", t ? "Save name" : "Create token");
    return web_page_end(&p);
}

int web_token_new(struct api_call *call)
{
    return name_form(call, 200, NULL, "", NULL);
}

/* Trims the name's surrounding white space in place; returns an error text or NULL. */
static const char *check_name(char *name)
{
    size_t n = strlen(name);
    while (n > 0 && (name[n - 1] == ' ' || name[n - 1] == '\t' || name[n - 1] == '\r' ||
                     name[n - 1] == '\n'))
        name[--n] = '\0';
    size_t skip = strspn(name, " \t\r\n");
    memmove(name, name + skip, n - skip + 1);
    if (!*name)
        return "Enter a token name.";
    for (const char *c = name; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            return "The name cannot hold control characters.";
    if (!utf8_is_valid(name, strlen(name)) || utf8_length(name) > LIMIT_NAME_CHARS)
        return "The name is too long: at most 255 characters.";
    return NULL;
}

/* Reads and checks the POSTed name into *name; returns 0 or the status answered. */
static int read_name(struct api_call *call, const struct store_token *t, char **name)
{
    struct http_form_field *fields;
    size_t n;
    int rc = web_read_form(call, call->session_raw, &fields, &n);
    if (rc)
        return rc;
    const char *given = http_form_get(fields, n, "name");
    *name = arena_strdup(call->arena, given ? given : "");
    const char *error = check_name(*name);
    return error ? name_form(call, 422, t, given ? given : "", error) : 0;
}

int web_token_create(struct api_call *call)
{
    char *name;
    int rc = read_name(call, NULL, &name);
    if (rc)
        return rc;
    const struct store_user *u = &call->session.user;
    struct store_token *rows;
    size_t n, live = 0;
    enum store_status s =
        store_token_list(call->conn, call->arena, u->account_id, u->id, &rows, &n);
    for (size_t i = 0; s == STORE_OK && i < n; i++)
        live += rows[i].revoked_at == 0;
    if (s == STORE_OK && live >= WEB_MAX_TOKENS)
        return name_form(call, 422, NULL, name,
                         "You already have 100 active tokens. Revoke one you no longer use first.");
    char raw[AUTH_TOKEN_RAW_MAX];
    struct store_token t;
    if (s == STORE_OK)
        s = auth_token_issue(call->conn, call->app->keys, call->arena, STORE_TOKEN_PERSONAL,
                             u->account_id, u->id, name, time_now_ms(), raw, &t);
    if (s != STORE_OK)
        return web_store_error(call, s, "The token could not be created. Please try again.");
    sodium_memzero(raw, sizeof(raw));
    char location[96];
    snprintf(location, sizeof(location), "/settings/tokens?created=%s#created-h", t.id);
    return web_redirect(call, location);
}

int web_token_view(struct api_call *call)
{
    struct store_token t;
    int rc = own_token(call, call->params[0], &t);
    if (rc)
        return rc;
    struct web_page p;
    settings_begin(&p, call, 200, "Token · Personal Settings", "tokens");
    buf_printf(p.b,
               "<section class=\"card\" aria-labelledby=\"token-h\">\n"
               "<h2 id=\"token-h\">Token “%s”</h2>\n<dl class=\"facts\">\n<dt>Created</dt><dd>",
               web_html(call, t.name));
    web_time(&p, t.created_at);
    buf_puts(p.b, "</dd>\n<dt>Last used</dt><dd>");
    web_time(&p, t.last_used_at);
    buf_puts(p.b, "</dd>\n<dt>Status</dt><dd>");
    if (t.revoked_at) {
        buf_puts(p.b, "Revoked ");
        web_time(&p, t.revoked_at);
        buf_puts(p.b, "</dd>\n</dl>\n<p>This token was revoked: the API refuses it.</p>\n");
    } else {
        buf_puts(p.b, "Active</dd>\n</dl>\n");
        secret_field(&p, &t);
        buf_printf(p.b,
                   "<div class=\"buttons\">\n<a class=\"button\" href=\"/settings/tokens/%s/edit\">"
                   "Rename</a>\n<a class=\"button danger\" href=\"/settings/tokens/%s/revoke\">"
                   "Revoke</a>\n</div>\n",
                   t.id, t.id);
    }
    buf_puts(p.b, "<p><a href=\"/settings/tokens\">Back to API Tokens</a></p>\n</section>\n");
    return web_page_end(&p);
}

/* Loads the signed-in user's live token named in the path; revoked ones cannot change. */
static int live_token(struct api_call *call, struct store_token *t)
{
    int rc = own_token(call, call->params[0], t);
    if (rc)
        return rc;
    if (t->revoked_at)
        return web_message(call, 409, "Token revoked", "This token was revoked; it cannot change.");
    return 0;
}

int web_token_edit_form(struct api_call *call)
{
    struct store_token t;
    int rc = live_token(call, &t);
    return rc ? rc : name_form(call, 200, &t, t.name, NULL);
}

int web_token_edit(struct api_call *call)
{
    struct store_token t;
    char *name;
    int rc = live_token(call, &t);
    if (rc || (rc = read_name(call, &t, &name)))
        return rc;
    enum store_status s = store_token_rename(call->conn, t.account_id, t.id, name);
    if (s != STORE_OK)
        return web_store_error(call, s, "The token could not be renamed. Please try again.");
    return web_redirect(call, "/settings/tokens?notice=renamed");
}

int web_token_revoke_form(struct api_call *call)
{
    struct store_token t;
    int rc = live_token(call, &t);
    if (rc)
        return rc;
    struct web_page p;
    settings_begin(&p, call, 200, "Revoke token · Personal Settings", "tokens");
    buf_printf(p.b,
               "<section class=\"card narrow\" aria-labelledby=\"revoke-h\">\n"
               "<h2 id=\"revoke-h\">Revoke token “%s”?</h2>\n"
               "<p>Every script and integration that uses this token stops working at once. "
               "This cannot be undone.</p>\n"
               "<form method=\"post\" action=\"/settings/tokens/%s/revoke\">\n",
               web_html(call, t.name), t.id);
    web_csrf_field(&p, call->session_raw);
    buf_puts(p.b, "<div class=\"buttons\">\n<button type=\"submit\" class=\"danger\">Revoke token"
                  "</button>\n<a class=\"button\" href=\"/settings/tokens\">Cancel</a>\n</div>\n"
                  "</form>\n</section>\n");
    return web_page_end(&p);
}

int web_token_revoke(struct api_call *call)
{
    struct store_token t;
    struct http_form_field *fields;
    size_t n;
    int rc = live_token(call, &t);
    if (rc || (rc = web_read_form(call, call->session_raw, &fields, &n)))
        return rc;
    enum store_status s =
        store_token_revoke(call->conn, STORE_TOKEN_PERSONAL, t.account_id, t.id, time_now_ms());
    if (s != STORE_OK)
        return web_store_error(call, s, "The token could not be revoked. Please try again.");
    return web_redirect(call, "/settings/tokens?notice=revoked");
}
