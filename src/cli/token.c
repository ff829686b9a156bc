/* `screendesk token ...` and `screendesk scim-token ...`: personal access tokens and the SCIM
 * tokens operators issue. */
#include "cli.h"

#include "core/limits.h"
#include "core/time.h"
#include "core/utf8.h"

#include <cjson/cJSON.h>
#include <sodium.h>
#include <string.h>

static const char usage_create[] =
    "usage: screendesk token create --account ID --email EMAIL --name NAME\n"
    "Creates a personal access token for the user; prints {\"id\", \"token\"}.\n";
static const char usage_list[] = "usage: screendesk token list --account ID --email EMAIL\n"
                                 "Prints the user's tokens (without their raw values).\n";
static const char usage_show[] = "usage: screendesk token show --id TOKEN_ID\n"
                                 "Prints the token with its raw value.\n";
static const char usage_rename[] = "usage: screendesk token rename --id TOKEN_ID --name NAME\n";
static const char usage_revoke[] = "usage: screendesk token revoke --id TOKEN_ID\n"
                                   "Revokes the token; it fails at once on every server.\n";
static const char usage_scim_create[] =
    "usage: screendesk scim-token create --account ID\n"
    "Issues a SCIM token for the account; prints {\"id\", \"token\"}.\n";
static const char usage_scim_revoke[] = "usage: screendesk scim-token revoke --id TOKEN_ID\n";

static bool is_token_name(const char *name)
{
    size_t n = strlen(name);
    return n > 0 && utf8_is_valid(name, n) && utf8_length(name) <= LIMIT_NAME_CHARS;
}

static void add_time(cJSON *o, const char *key, int64_t ms)
{
    if (ms == 0) {
        cJSON_AddNullToObject(o, key);
        return;
    }
    char iso[TIME_ISO_LEN];
    time_format_iso(ms, iso);
    cJSON_AddStringToObject(o, key, iso);
}

static cJSON *token_json(const struct store_token *t, const char *raw)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", t->id);
    if (raw)
        cJSON_AddStringToObject(o, "token", raw);
    cJSON_AddStringToObject(o, "account_id", t->account_id);
    if (t->user_id[0])
        cJSON_AddStringToObject(o, "user_id", t->user_id);
    if (t->name)
        cJSON_AddStringToObject(o, "name", t->name);
    add_time(o, "created_at", t->created_at);
    if (t->user_id[0])
        add_time(o, "last_used_at", t->last_used_at);
    add_time(o, "revoked_at", t->revoked_at);
    cJSON_AddBoolToObject(o, "revoked", t->revoked_at != 0);
    return o;
}

/* Makes, stores and prints a new token of kind for the account (and user, when personal). */
static int issue(struct cli_env *env, struct arena *ar, enum store_token_kind kind,
                 const char *account_id, const char *user_id, const char *name)
{
    char raw[AUTH_TOKEN_RAW_MAX];
    struct store_token t;
    enum store_status s = auth_token_issue(env->conn, &env->keys, ar, kind, account_id, user_id,
                                           name, time_now_ms(), raw, &t);
    if (s != STORE_OK)
        return cli_fail("cannot store the token: %s", store_status_name(s));
    cli_print_tree(token_json(&t, raw));
    sodium_memzero(raw, sizeof(raw));
    return CLI_OK;
}

static int create(int argc, char **argv)
{
    struct cli_env env = {0};
    const char *account = NULL, *email = NULL, *name = NULL;
    const struct cli_opt opts[] = {
        {"account", &account, NULL}, {"email", &email, NULL}, {"name", &name, NULL}};
    int rc = cli_args_parse(argc, argv, opts, 3, &env, NULL, 0, usage_create);
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    if (!account || !email || !name)
        return cli_usage_error(usage_create, "--account, --email and --name are required");
    if (!is_token_name(name))
        return cli_usage_error(usage_create, "--name must be 1 to 255 characters of UTF-8");
    rc = cli_env_open(&env);
    if (rc != CLI_OK)
        return rc;
    struct arena *ar = arena_new();
    struct store_user u;
    rc = cli_find_user(&env, ar, account, email, &u);
    if (rc == CLI_OK)
        rc = issue(&env, ar, STORE_TOKEN_PERSONAL, account, u.id, name);
    arena_free(ar);
    cli_env_close(&env);
    return rc;
}

static int list(int argc, char **argv)
{
    struct cli_env env = {0};
    const char *account = NULL, *email = NULL;
    const struct cli_opt opts[] = {{"account", &account, NULL}, {"email", &email, NULL}};
    int rc = cli_args_parse(argc, argv, opts, 2, &env, NULL, 0, usage_list);
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    if (!account || !email)
        return cli_usage_error(usage_list, "--account and --email are required");
    rc = cli_env_open(&env);
    if (rc != CLI_OK)
        return rc;
    struct arena *ar = arena_new();
    struct store_user u;
    struct store_token *rows;
    size_t n;
    rc = cli_find_user(&env, ar, account, email, &u);
    if (rc != CLI_OK)
        goto out;
    enum store_status s = store_token_list(env.conn, ar, account, u.id, &rows, &n);
    if (s != STORE_OK) {
        rc = cli_fail("cannot list tokens: %s", store_status_name(s));
        goto out;
    }
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(arr, token_json(&rows[i], NULL));
    cli_print_tree(arr);
out:
    arena_free(ar);
    cli_env_close(&env);
    return rc;
}

/* Parses "--id ID" (and --name NAME when name is not NULL) for show, rename and revoke. */
static int parse_id(int argc, char **argv, const char *usage, struct cli_env *env, const char **id,
                    const char **name)
{
    const struct cli_opt opts[] = {{"id", id, NULL}, {"name", name, NULL}};
    int rc = cli_args_parse(argc, argv, opts, name ? 2 : 1, env, NULL, 0, usage);
    if (rc != CLI_OK)
        return rc;
    if (!*id)
        return cli_usage_error(usage, "--id is required");
    if (name && (!*name || !is_token_name(*name)))
        return cli_usage_error(usage, "--name must be 1 to 255 characters of UTF-8");
    return cli_env_open(env);
}

static int show(int argc, char **argv)
{
    struct cli_env env = {0};
    const char *id = NULL;
    int rc = parse_id(argc, argv, usage_show, &env, &id, NULL);
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    struct arena *ar = arena_new();
    struct store_token t;
    enum store_status s = store_token_get(env.conn, ar, STORE_TOKEN_PERSONAL, id, &t);
    if (s != STORE_OK) {
        rc = s == STORE_NOT_FOUND ? cli_fail("no token %s", id)
                                  : cli_fail("cannot read the token: %s", store_status_name(s));
        goto out;
    }
    char *raw = auth_token_open(&env.keys, ar, t.secret, t.secret_len);
    if (!raw) {
        rc = cli_fail("cannot decrypt token %s: the key file does not match this database", id);
        goto out;
    }
    cli_print_tree(token_json(&t, raw));
    sodium_memzero(raw, strlen(raw));
out:
    arena_free(ar);
    cli_env_close(&env);
    return rc;
}

static int rename_token(int argc, char **argv)
{
    struct cli_env env = {0};
    const char *id = NULL, *name = NULL;
    int rc = parse_id(argc, argv, usage_rename, &env, &id, &name);
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    struct arena *ar = arena_new();
    struct store_token t;
    enum store_status s = store_token_rename(env.conn, NULL, id, name);
    if (s == STORE_OK)
        s = store_token_get(env.conn, ar, STORE_TOKEN_PERSONAL, id, &t);
    if (s == STORE_OK)
        cli_print_tree(token_json(&t, NULL));
    else
        rc = s == STORE_NOT_FOUND ? cli_fail("no token %s", id)
                                  : cli_fail("cannot rename the token: %s", store_status_name(s));
    arena_free(ar);
    cli_env_close(&env);
    return rc;
}

static int revoke_kind(int argc, char **argv, enum store_token_kind kind, const char *usage)
{
    struct cli_env env = {0};
    const char *id = NULL;
    int rc = parse_id(argc, argv, usage, &env, &id, NULL);
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    struct arena *ar = arena_new();
    struct store_token t;
    enum store_status s = store_token_revoke(env.conn, kind, NULL, id, time_now_ms());
    if (s == STORE_OK)
        s = store_token_get(env.conn, ar, kind, id, &t);
    if (s == STORE_OK)
        cli_print_tree(token_json(&t, NULL));
    else
        rc = s == STORE_NOT_FOUND ? cli_fail("no token %s", id)
                                  : cli_fail("cannot revoke the token: %s", store_status_name(s));
    arena_free(ar);
    cli_env_close(&env);
    return rc;
}

static int revoke(int argc, char **argv)
{
    return revoke_kind(argc, argv, STORE_TOKEN_PERSONAL, usage_revoke);
}

static int scim_create(int argc, char **argv)
{
    struct cli_env env = {0};
    const char *account = NULL;
    const struct cli_opt opts[] = {{"account", &account, NULL}};
    int rc = cli_args_parse(argc, argv, opts, 1, &env, NULL, 0, usage_scim_create);
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    if (!account)
        return cli_usage_error(usage_scim_create, "--account is required");
    rc = cli_env_open(&env);
    if (rc != CLI_OK)
        return rc;
    struct arena *ar = arena_new();
    struct store_account a;
    enum store_status s = store_account_get(env.conn, ar, account, &a);
    if (s == STORE_OK)
        rc = issue(&env, ar, STORE_TOKEN_SCIM, account, NULL, NULL);
    else
        rc = s == STORE_NOT_FOUND ? cli_fail("no account %s", account)
                                  : cli_fail("cannot read the account: %s", store_status_name(s));
    arena_free(ar);
    cli_env_close(&env);
    return rc;
}

static int scim_revoke(int argc, char **argv)
{
    return revoke_kind(argc, argv, STORE_TOKEN_SCIM, usage_scim_revoke);
}

int cli_token(int argc, char **argv)
{
    static const struct cli_sub subs[] = {{"create", create, usage_create},
                                          {"list", list, usage_list},
                                          {"show", show, usage_show},
                                          {"rename", rename_token, usage_rename},
                                          {"revoke", revoke, usage_revoke}};
    return cli_subcommand(argc, argv, "token", subs, 5);
}

int cli_scim_token(int argc, char **argv)
{
    static const struct cli_sub subs[] = {{"create", scim_create, usage_scim_create},
                                          {"revoke", scim_revoke, usage_scim_revoke}};
    return cli_subcommand(argc, argv, "scim-token", subs, 2);
}
