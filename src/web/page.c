/* The frame every page shares, and the small helpers pages are written with. */
#include "web.h"

#include "auth/session.h"
#include "core/time.h"

#include <stdio.h>
#include <string.h>

/* No inline script or style anywhere: the policy allows only this server's own files. */
static const char content_security_policy[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const char *web_html(struct api_call *call, const char *s)
{
    if (!s)
        return "";
    size_t extra = 0;
    for (const char *p = s; *p; p++)
        extra += *p == '&' ? 4 : (*p == '<' || *p == '>') ? 3 : (*p == '"' || *p == '\'') ? 5 : 0;
    if (extra == 0)
        return s;
    char *out = arena_alloc(call->arena, strlen(s) + extra + 1);
    char *o = out;
    for (const char *p = s; *p; p++) {
        const char *rep = *p == '&'    ? "&amp;"
                          : *p == '<'  ? "&lt;"
                          : *p == '>'  ? "&gt;"
                          : *p == '"'  ? "&#34;"
                          : *p == '\'' ? "&#39;"
                                       : NULL;
        if (rep) {
            size_t n = strlen(rep);
            memcpy(o, rep, n);
            o += n;
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
    return out;
}

void web_page_begin(struct web_page *p, struct api_call *call, int status, const char *title)
{
    struct http_response *res = call->res;
    p->call = call;
    p->b = &res->body;
    res->status = status;
    res->content_type = "text/html; charset=utf-8";
    buf_reset(p->b);
    http_response_header(res, call->arena, "Content-Security-Policy", content_security_policy);
    http_response_header(res, call->arena, "X-Frame-Options", "DENY");
    http_response_header(res, call->arena, "Referrer-Policy", "same-origin");
    buf_printf(p->b,
               "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
               "<title>%s · Screendesk</title>\n"
               "<link rel=\"icon\" href=\"/assets/icon.svg\" type=\"image/svg+xml\">\n"
               "<link rel=\"stylesheet\" href=\"/assets/app.css\">\n"
               "<script src=\"/assets/app.js\" defer></script>\n</head>\n<body>\n"
               "<a class=\"skip\" href=\"#main\">Skip to content</a>\n"
               "<header class=\"top\">\n<a class=\"brand\" href=\"/\">Screendesk</a>\n",
               web_html(call, title));
    if (call->session_raw) {
        const struct store_user *u = &call->session.user;
        buf_printf(p->b,
                   "<nav class=\"account\" aria-label=\"Account\">\n"
                   "<span class=\"who\">%s</span>\n"
                   "<form method=\"post\" action=\"/signout\">\n",
                   web_html(call, u->email));
        web_csrf_field(p, call->session_raw);
        buf_puts(p->b, "<button type=\"submit\" class=\"quiet\">Sign out</button>\n</form>\n"
                       "</nav>\n");
    }
    buf_puts(p->b, "</header>\n<main id=\"main\">\n");
}

int web_page_end(struct web_page *p)
{
    buf_puts(p->b, "</main>\n</body>\n</html>\n");
    return p->call->res->status;
}

int web_message(struct api_call *call, int status, const char *title, const char *message)
{
    struct web_page p;
    web_page_begin(&p, call, status, title);
    buf_printf(p.b, "<h1>%s</h1>\n<p>%s</p>\n<p><a href=\"/\">Go to Screendesk</a></p>\n",
               web_html(call, title), web_html(call, message));
    return web_page_end(&p);
}

int web_store_error(struct api_call *call, enum store_status s, const char *message)
{
    return web_message(call, s == STORE_UNAVAILABLE ? 503 : 500, "Something went wrong", message);
}

int web_redirect(struct api_call *call, const char *location)
{
    call->res->status = 303;
    call->res->content_type = NULL;
    buf_reset(&call->res->body);
    http_response_header(call->res, call->arena, "Location", location);
    return 303;
}

void web_csrf_field(struct web_page *p, const char *raw)
{
    char csrf[AUTH_CSRF_LEN];
    auth_csrf_token(p->call->app->keys, raw, csrf);
    buf_printf(p->b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n", csrf);
}

void web_set_cookie(struct api_call *call, const char *name, const char *value, int64_t max_age_s)
{
    char text[256];
    snprintf(text, sizeof(text), "%s=%s; Path=/; Max-Age=%lld; HttpOnly; SameSite=Strict%s", name,
             max_age_s > 0 ? value : "", (long long)max_age_s,
             api_is_https(call->req) ? "; Secure" : "");
    http_response_header(call->res, call->arena, "Set-Cookie", text);
}

void web_time(struct web_page *p, int64_t ms)
{
    if (ms == 0) {
        buf_puts(p->b, "Never");
        return;
    }
    char iso[TIME_ISO_LEN];
    time_format_iso(ms, iso);
    /* "2026-11-27T20:05:00.000Z" shown as "2026-11-27 20:05 UTC" */
    buf_printf(p->b, "<time datetime=\"%s\">%.10s %.5s UTC</time>", iso, iso, iso + 11);
}
