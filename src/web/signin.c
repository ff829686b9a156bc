/* Signing in and out. Passwords are checked with argon2id; failures slow further attempts
 * down, per user (in the database, so every server agrees) and per client address (in this
 * process). */
#include "web.h"

#include "auth/password.h"
#include "auth/session.h"
#include "core/log.h"
#include "core/time.h"

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

enum {
    USER_FREE_FAILURES = 5, /* failures for one user before attempts are slowed */
    IP_FREE_FAILURES = 20,  /* failures from one address before attempts are slowed */
    FIRST_DELAY_MS = 5000,  /* the first wait; it doubles with every further failure */
    MAX_DELAY_MS = 15 * 60 * 1000,
    IP_FORGET_MS = 15 * 60 * 1000, /* an address's failures are forgotten after this calm */
    IP_SLOTS = 1024,
    MAX_CANDIDATES = 8,        /* users of several accounts may share an email */
    PASSWORD_MAX_BYTES = 1024, /* longer passwords are wrong without hashing them */
    CONCURRENT_HASHES = 2,     /* argon2id takes 64 MiB each: bound the memory */
    HASH_WAIT_SECONDS = 10,
    SIGNIN_COOKIE_SECONDS = 60 * 60,
};

/* How long to wait after the given number of consecutive failures (free ones wait 0). */
static int64_t delay_after(int failures, int free_failures)
{
    if (failures < free_failures)
        return 0;
    int64_t d = FIRST_DELAY_MS;
    for (int i = free_failures; i < failures && d < MAX_DELAY_MS; i++)
        d *= 2;
    return d < MAX_DELAY_MS ? d : MAX_DELAY_MS;
}

/* Failures by client address, in a fixed table: a new address may take an old one's slot. */
struct ip_slot {
    char ip[48];
    int failures;
    int64_t last_failure, blocked_until;
};
static struct ip_slot ip_slots[IP_SLOTS];
static pthread_mutex_t ip_lock = PTHREAD_MUTEX_INITIALIZER;

static struct ip_slot *ip_slot_of(const char *ip)
{
    uint32_t h = 2166136261u;
    for (const char *p = ip; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    return &ip_slots[h % IP_SLOTS];
}

/* Returns the milliseconds this address must still wait (0: go ahead). */
static int64_t ip_wait(const char *ip, int64_t now)
{
    pthread_mutex_lock(&ip_lock);
    struct ip_slot *s = ip_slot_of(ip);
    int64_t wait = strcmp(s->ip, ip) == 0 && s->blocked_until > now ? s->blocked_until - now : 0;
    pthread_mutex_unlock(&ip_lock);
    return wait;
}

static void ip_record(const char *ip, bool ok, int64_t now)
{
    pthread_mutex_lock(&ip_lock);
    struct ip_slot *s = ip_slot_of(ip);
    if (strcmp(s->ip, ip) != 0 || now - s->last_failure > IP_FORGET_MS) {
        memset(s, 0, sizeof(*s));
        snprintf(s->ip, sizeof(s->ip), "%s", ip);
    }
    if (ok) {
        s->failures = 0;
        s->blocked_until = 0;
    } else {
        s->failures++;
        s->last_failure = now;
        s->blocked_until = now + delay_after(s->failures, IP_FREE_FAILURES);
    }
    pthread_mutex_unlock(&ip_lock);
}

/* At most CONCURRENT_HASHES password checks at once; the rest wait their turn. */
static sem_t hash_slots;
static char dummy_hash[AUTH_PASSWORD_HASH_MAX];
static pthread_once_t hash_once = PTHREAD_ONCE_INIT;

static void hash_init(void)
{
    sem_init(&hash_slots, 0, CONCURRENT_HASHES);
    /* Checked when no user has the email, so that an unknown email takes as long to refuse
     * as a wrong password. */
    char random_password[33];
    randombytes_buf(random_password, 32);
    for (int i = 0; i < 32; i++)
        random_password[i] = (char)('a' + (unsigned char)random_password[i] % 26);
    random_password[32] = '\0';
    if (!auth_password_hash(random_password, dummy_hash))
        dummy_hash[0] = '\0';
}

static bool hash_acquire(void)
{
    pthread_once(&hash_once, hash_init);
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += HASH_WAIT_SECONDS;
    while (sem_timedwait(&hash_slots, &until) != 0)
        if (errno != EINTR)
            return false;
    return true;
}

/* The sign-in page, with the email typed so far and an error, if any. */
static int signin_page(struct api_call *call, int status, const char *email, const char *error)
{
    const char *raw = http_request_cookie(call->req, WEB_SIGNIN_COOKIE);
    char fresh[AUTH_SESSION_RAW_LEN];
    if (!auth_session_is_well_formed(raw)) {
        auth_session_generate(fresh);
        raw = fresh;
        web_set_cookie(call, WEB_SIGNIN_COOKIE, raw, SIGNIN_COOKIE_SECONDS);
    }
    struct web_page p;
    web_page_begin(&p, call, status, "Sign in");
    buf_puts(p.b, "<div class=\"narrow\">\n<h1>Sign in to Screendesk</h1>\n");
    if (error)
        buf_printf(p.b, "<div class=\"alert error\" role=\"alert\" id=\"signin-error\">%s</div>\n",
                   web_html(call, error));
    else if (http_request_query(call->req, "signed_out"))
        buf_puts(p.b, "<div class=\"alert success\" role=\"status\">You are signed out.</div>\n");
    buf_puts(p.b, "<form method=\"post\" action=\"/signin\" class=\"card stack\">\n");
    web_csrf_field(&p, raw);
    const char *described = error ? " aria-describedby=\"signin-error\"" : "";
    buf_printf(p.b,
               "<label for=\"email\">Email</label>\n"
               "<input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\" "
               "required maxlength=\"320\" value=\"%s\"%s%s>\n"
               "<label for=\"password\">Password</label>\n"
               "<input id=\"password\" name=\"password\" type=\"password\" "
               "autocomplete=\"current-password\" required%s>\n"
               "<button type=\"submit\" class=\"primary\">Sign in</button>\n</form>\n"
               "<p class=\"hint\">No password yet? Ask your Screendesk operator to set one.</p>\n"
               "</div>\n",
               web_html(call, email), described, email && *email ? "" : " autofocus", described);
    return web_page_end(&p);
}

int web_signin_form(struct api_call *call)
{
    return signin_page(call, 200, "", NULL);
}

static int too_many(struct api_call *call, const char *email, int64_t wait_ms)
{
    char text[160], secs[24];
    long long s = (long long)((wait_ms + 999) / 1000);
    snprintf(text, sizeof(text), "Too many failed sign-ins. Wait %lld second%s, then try again.", s,
             s == 1 ? "" : "s");
    snprintf(secs, sizeof(secs), "%lld", s);
    http_response_header(call->res, call->arena, "Retry-After", secs);
    return signin_page(call, 429, email, text);
}

static int unavailable(struct api_call *call, const char *email)
{
    return signin_page(call, 503, email,
                       "Sign-in is not available just now. Please try again "
                       "in a moment.");
}

/* Starts a session for the user and sends the browser to its tokens. */
static int start_session(struct api_call *call, const struct store_credential *who, int64_t now)
{
    char raw[AUTH_SESSION_RAW_LEN];
    unsigned char hash[AUTH_TOKEN_HASH_LEN];
    auth_session_generate(raw);
    auth_session_hash(call->app->keys, raw, hash);
    struct store_session se = {.hash = hash,
                               .hash_len = sizeof(hash),
                               .created_at = now,
                               .expires_at = now + WEB_SESSION_TTL_MS};
    uuid_v7_new(se.id);
    memcpy(se.account_id, who->account_id, UUID_LEN);
    memcpy(se.user_id, who->user_id, UUID_LEN);
    (void)store_session_prune(call->conn, who->account_id, who->user_id, now);
    enum store_status s = store_session_insert(call->conn, &se);
    if (s != STORE_OK)
        return unavailable(call, "");
    web_set_cookie(call, WEB_SESSION_COOKIE, raw, WEB_SESSION_TTL_MS / 1000);
    web_set_cookie(call, WEB_SIGNIN_COOKIE, "", 0);
    sodium_memzero(raw, sizeof(raw));
    return web_redirect(call, "/settings/tokens");
}

/* Checks password against the users that hold the email; returns the one it opens, or NULL. */
static const struct store_credential *check_password(const struct store_credential *rows, size_t n,
                                                     const char *password)
{
    const struct store_credential *match = NULL;
    bool checked = false;
    for (size_t i = 0; i < n && !match; i++) {
        if (!rows[i].password_hash)
            continue;
        checked = true;
        if (auth_password_verify(rows[i].password_hash, password) && rows[i].is_active)
            match = &rows[i];
    }
    if (!checked && dummy_hash[0])
        (void)auth_password_verify(dummy_hash, password);
    return match;
}

int web_signin(struct api_call *call)
{
    struct http_form_field *fields;
    size_t n_fields;
    const char *pre = http_request_cookie(call->req, WEB_SIGNIN_COOKIE);
    if (!auth_session_is_well_formed(pre))
        return signin_page(call, 403, "",
                           "Your sign-in form expired (or cookies are off). "
                           "Please try again.");
    int rc = web_read_form(call, pre, &fields, &n_fields);
    if (rc == 403)
        return signin_page(call, 403, "", "Your sign-in form expired. Please try again.");
    if (rc)
        return rc;
    const char *email = http_form_get(fields, n_fields, "email");
    const char *password = http_form_get(fields, n_fields, "password");
    if (!email || !*email || !password || !*password)
        return signin_page(call, 422, email ? email : "", "Enter your email and your password.");
    char ip[48];
    http_request_client_ip(call->req, ip, sizeof(ip));
    int64_t now = time_now_ms();
    int64_t wait = ip_wait(ip, now);
    if (wait > 0)
        return too_many(call, email, wait);
    call->conn = store_conn_get(call->app->store);
    if (!call->conn)
        return unavailable(call, email);
    struct store_credential *rows;
    size_t n;
    if (store_credentials_find(call->conn, call->arena, email, MAX_CANDIDATES, &rows, &n) !=
        STORE_OK)
        return unavailable(call, email);
    for (size_t i = 0; i < n; i++)
        if (rows[i].password_hash && rows[i].sign_in_blocked_until - now > wait)
            wait = rows[i].sign_in_blocked_until - now;
    if (wait > 0)
        return too_many(call, email, wait);
    if (!hash_acquire())
        return unavailable(call, email);
    const struct store_credential *match =
        strlen(password) <= PASSWORD_MAX_BYTES ? check_password(rows, n, password) : NULL;
    sem_post(&hash_slots);
    now = time_now_ms();
    ip_record(ip, match != NULL, now);
    if (match) {
        if (match->failed_sign_ins > 0)
            (void)store_sign_in_record(call->conn, match->account_id, match->user_id, 0, 0);
        return start_session(call, match, now);
    }
    for (size_t i = 0; i < n; i++) {
        if (!rows[i].password_hash)
            continue;
        int failures = rows[i].failed_sign_ins + 1;
        int64_t delay = delay_after(failures, USER_FREE_FAILURES);
        if (store_sign_in_record(call->conn, rows[i].account_id, rows[i].user_id, failures,
                                 delay ? now + delay : 0) != STORE_OK)
            log_error("cannot record a failed sign-in");
    }
    return signin_page(call, 403, email, "Incorrect email or password.");
}

int web_signout(struct api_call *call)
{
    struct http_form_field *fields;
    size_t n;
    int rc = web_read_form(call, call->session_raw, &fields, &n);
    if (rc)
        return rc;
    (void)store_session_delete(call->conn, call->session.user.account_id, call->session.id);
    web_set_cookie(call, WEB_SESSION_COOKIE, "", 0);
    call->session_raw = NULL;
    return web_redirect(call, "/signin?signed_out=1");
}
