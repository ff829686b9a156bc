/* The web pages: sign-in and Personal Settings with its API Tokens tab. Server-rendered HTML
 * that works without JavaScript (only the Copy buttons need it). */
#ifndef WEB_WEB_H
#define WEB_WEB_H

#include "api/api.h"
#include "http/form.h"

#include <stdint.h>

enum {
    WEB_SESSION_TTL_MS = 12 * 60 * 60 * 1000, /* a session lasts 12 hours from sign-in */
    WEB_MAX_TOKENS = 100,                     /* live tokens one user may hold */
};

#define WEB_SESSION_COOKIE "screendesk_session"
#define WEB_SIGNIN_COOKIE  "screendesk_signin" /* carries the sign-in form's CSRF secret */

/* Resolves the session cookie into call->session. Returns 0, or the status of the answer it
 * made instead (303 to the sign-in page when there is no live session, 503). */
int web_authorize(struct api_call *call);

/* A page being written: its buffer is the response body. */
struct web_page {
    struct api_call *call;
    struct buf *b;
};

/* Starts an HTML page with status and title; the header shows the signed-in user, if any. */
void web_page_begin(struct web_page *p, struct api_call *call, int status, const char *title);
/* Ends the page; returns its status. */
int web_page_end(struct web_page *p);
/* Returns s with &, <, >, " and ' escaped, in the request's arena. */
const char *web_html(struct api_call *call, const char *s);
/* Answers a small page with a heading and a message; returns status. */
int web_message(struct api_call *call, int status, const char *title, const char *message);
/* Answers a failed store call s: 503 when the database does not answer, else 500, with message;
 * returns the status. */
int web_store_error(struct api_call *call, enum store_status s, const char *message);
/* Answers 303 See Other to location; returns 303. */
int web_redirect(struct api_call *call, const char *location);
/* Writes a hidden CSRF field for the session (or the sign-in cookie value raw). */
void web_csrf_field(struct web_page *p, const char *raw);
/* Checks a POSTed form: same origin, a form body, the CSRF field of raw. Parses the body into
 * *fields and returns 0, or answers 400/403/415 and returns that status. */
int web_read_form(struct api_call *call, const char *raw, struct http_form_field **fields,
                  size_t *n);
/* Sets a cookie (HttpOnly, SameSite=Strict, Path=/, Secure under TLS); max_age_s 0 deletes. */
void web_set_cookie(struct api_call *call, const char *name, const char *value, int64_t max_age_s);
/* Writes a time as "2026-11-27 20:05 UTC" inside a <time> element, or "Never" for 0. */
void web_time(struct web_page *p, int64_t ms);

/* Handlers. */
int web_home(struct api_call *call);
int web_asset_css(struct api_call *call);
int web_asset_js(struct api_call *call);
int web_asset_icon(struct api_call *call);
int web_signin_form(struct api_call *call);
int web_signin(struct api_call *call);
int web_signout(struct api_call *call);
int web_settings(struct api_call *call);
int web_profile(struct api_call *call);
int web_tokens(struct api_call *call);
int web_token_new(struct api_call *call);
int web_token_create(struct api_call *call);
int web_token_view(struct api_call *call);
int web_token_edit_form(struct api_call *call);
int web_token_edit(struct api_call *call);
int web_token_revoke_form(struct api_call *call);
int web_token_revoke(struct api_call *call);

#endif
