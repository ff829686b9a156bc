/* `serve --demo`: a believable enterprise account to try the API with, made only when the
 * database has no account yet. */
#include "cli.h"

#include "api/render.h"
#include "auth/password.h"
#include "core/time.h"

#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

struct demo_user {
    const char *email, *name;
    bool is_admin;
};

static const struct demo_user demo_users[] = {
    {"olivia.owner@demo.screendesk.test", "Olivia Owner", true},
    {"adam.admin@demo.screendesk.test", "Adam Admin", true},
    {"mia.member@demo.screendesk.test", "Mia Member", false},
};

static const char *const titles[] = {
    "Checkout button does nothing on Safari",
    "Invoice PDF shows the wrong VAT rate",
    "Cannot invite a teammate",
    "Dashboard charts stay empty",
    "Password reset e-mail never arrives",
    "CSV export cuts off after 1,000 rows",
    "Mobile menu overlaps the search bar",
    "Slack notifications sent twice",
    "Dark mode makes labels unreadable",
    "Upload stalls at 99%",
};
static const char *const customers[] = {"jane.doe@example.com", "li.wei@example.org",
                                        "carlos.ruiz@example.net", "amara.okafor@example.com",
                                        "sven.larsen@example.org"};
static const char *const providers[] = {"zendesk", "intercom", "freshdesk", "helpscout"};
static const char *const vendors[] = {"Chrome 131 on macOS 15", "Safari 18 on iOS 18",
                                      "Firefox 133 on Windows 11", "Edge 131 on Windows 10"};
static const char *const zones[] = {"Europe/Paris", "America/New_York", "Asia/Singapore",
                                    "America/Sao_Paulo"};
static const char *const networks[] = {"wifi", "4g", "ethernet"};
static const char *const isps[] = {"Orange", "Comcast", "Singtel", "Vivo"};

#define PICK(list, i) ((list)[(size_t)(i) % (sizeof(list) / sizeof((list)[0]))])

static enum store_status seed_recording(struct cli_env *env, struct arena *ar,
                                        const struct store_account *acc,
                                        const struct store_user *users, int i, int64_t now)
{
    const struct store_user *u = &users[i % 3];
    struct store_recording r = {0};
    uuid_v7_new(r.id);
    snprintf(r.account_id, sizeof(r.account_id), "%s", acc->id);
    snprintf(r.user_id, sizeof(r.user_id), "%s", u->id);
    r.user_email = u->email;
    r.user_name = u->name;
    r.title = (char *)PICK(titles, i);
    r.summary = arena_printf(ar, "The customer shows the problem in %d steps.", 2 + i % 4);
    r.description = i % 5 == 0 ? NULL : arena_printf(ar, "Reported through the help widget.");
    r.created_at = now - (int64_t)(50 - i) * 3 * 3600 * 1000 - i * 7919;
    r.updated_at = r.created_at + (i % 3) * 60000;
    r.duration = 20 + (i * 37) % 400;
    r.impressions_count = i % 7;
    r.recording_type = i % 4 == 0 ? "screenshot" : "video";
    r.recording_source = i % 2 ? "widget" : "link";
    r.url = arena_printf(ar, "https://app.screendesk.io/recordings/%s", r.id);
    r.provider = (char *)PICK(providers, i);
    r.ticket_id = arena_printf(ar, "%d", 48000 + i);
    r.helpdesk_info =
        arena_printf(ar, "{\"provider\":\"%s\",\"ticket_id\":\"%s\"}", r.provider, r.ticket_id);
    r.vendor = (char *)PICK(vendors, i);
    r.ip_address = arena_printf(ar, "203.0.113.%d", 10 + i);
    r.timezone = (char *)PICK(zones, i);
    r.network_type = (char *)PICK(networks, i);
    r.isp = (char *)PICK(isps, i);
    r.console_logs = i % 3 == 0 ? arena_printf(ar,
                                               "[error] TypeError: cannot read properties "
                                               "of undefined (reading 'total') at "
                                               "checkout.js:%d",
                                               100 + i)
                                : NULL;
    r.customer_email = (char *)PICK(customers, i);
    r.rendered = api_recording_rendered(ar, &r);
    return store_recording_insert(env->conn, &r);
}

enum { DEMO_PASSWORD_LEN = 16 };

/* A random password for the demo owner, printed once so the web pages can be tried. */
static void demo_password(char out[DEMO_PASSWORD_LEN + 1])
{
    static const char alphabet[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    for (int i = 0; i < DEMO_PASSWORD_LEN; i++)
        out[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
    out[DEMO_PASSWORD_LEN] = '\0';
}

static enum store_status seed(struct cli_env *env, struct arena *ar, char raw[AUTH_TOKEN_RAW_MAX],
                              char password[DEMO_PASSWORD_LEN + 1])
{
    int64_t now = time_now_ms();
    struct store_account acc = {.name = "Acme Support (demo)",
                                .plan = "enterprise",
                                .has_api_access = true,
                                .created_at = now,
                                .updated_at = now};
    uuid_v7_new(acc.id);
    struct store_user users[3];
    for (int i = 0; i < 3; i++) {
        store_user_init(&users[i], acc.id, demo_users[i].email, demo_users[i].name, now + i);
        users[i].is_admin = demo_users[i].is_admin;
    }
    snprintf(acc.owner_id, sizeof(acc.owner_id), "%s", users[0].id);
    char hash[AUTH_PASSWORD_HASH_MAX];
    demo_password(password);
    if (!auth_password_hash(password, hash))
        return STORE_ERROR;
    enum store_status s = store_begin(env->conn);
    if (s == STORE_OK)
        s = store_account_insert(env->conn, &acc);
    for (int i = 0; i < 3 && s == STORE_OK; i++)
        s = store_user_insert(env->conn, &users[i]);
    if (s == STORE_OK)
        s = store_user_set_password(env->conn, acc.id, users[0].id, hash, now);
    for (int i = 0; i < 50 && s == STORE_OK; i++)
        s = seed_recording(env, ar, &acc, users, i, now);
    struct store_token t;
    if (s == STORE_OK)
        s = auth_token_issue(env->conn, &env->keys, ar, STORE_TOKEN_PERSONAL, acc.id, users[0].id,
                             "Demo token", now, raw, &t);
    if (s == STORE_OK)
        s = store_commit(env->conn);
    if (s != STORE_OK)
        store_rollback(env->conn);
    return s;
}

int cli_demo_seed(struct cli_env *env, const char *base_url)
{
    bool has_any = false;
    enum store_status s = store_account_any(env->conn, &has_any);
    if (s != STORE_OK)
        return cli_fail("cannot read accounts: %s", store_status_name(s));
    if (has_any) {
        fprintf(stderr, "screendesk: the database already has accounts; no demo data added "
                        "(make a token with 'screendesk token create')\n");
        return CLI_OK;
    }
    struct arena *ar = arena_new();
    char raw[AUTH_TOKEN_RAW_MAX], password[DEMO_PASSWORD_LEN + 1];
    s = seed(env, ar, raw, password);
    arena_free(ar);
    if (s != STORE_OK)
        return cli_fail("cannot seed the demo account: %s", store_status_name(s));
    printf("Demo account ready: 3 users, 50 recordings. Token of %s:\n  %s\n\n"
           "Try it:\n  curl -H 'Authorization: Bearer %s' '%s/api/v2/recordings?items=2'\n\n"
           "Manage tokens in the browser: %s/signin\n  email %s, password %s\n\n",
           demo_users[0].email, raw, raw, base_url, base_url, demo_users[0].email, password);
    fflush(stdout);
    return CLI_OK;
}
