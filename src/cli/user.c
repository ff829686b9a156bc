/* `screendesk user create|set-password`: users made by the operator. */
#include "cli.h"

#include "auth/password.h"
#include "core/email.h"
#include "core/time.h"
#include "core/utf8.h"

#include <cjson/cJSON.h>
#include <string.h>

static const char usage_create[] =
    "usage: screendesk user create --account ID --email EMAIL [--name NAME] [--admin] [--editor]\n"
    "                              [--no-member]\n"
    "Adds an active user to the account (a member unless --no-member); prints the user.\n";
static const char usage_password[] =
    "usage: screendesk user set-password --account ID --email EMAIL --password-stdin\n"
    "Reads a password (first line of standard input) and stores its argon2id hash.\n";

static int create(int argc, char **argv)
{
    struct cli_env env = {0};
    const char *account = NULL, *email = NULL, *name = NULL;
    bool admin = false, editor = false, no_member = false;
    const struct cli_opt opts[] = {{"account", &account, NULL}, {"email", &email, NULL},
                                   {"name", &name, NULL},       {"admin", NULL, &admin},
                                   {"editor", NULL, &editor},   {"no-member", NULL, &no_member}};
    int rc = cli_args_parse(argc, argv, opts, 6, &env, NULL, 0, usage_create);
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    if (!account)
        return cli_usage_error(usage_create, "--account is required");
    if (!email || !email_is_plausible(email) || !utf8_is_valid(email, strlen(email)))
        return cli_usage_error(usage_create, "--email needs an e-mail address");
    if (name && !utf8_is_valid(name, strlen(name)))
        return cli_usage_error(usage_create, "--name is not valid UTF-8");
    rc = cli_env_open(&env);
    if (rc != CLI_OK)
        return rc;
    struct arena *ar = arena_new();
    struct store_account acc;
    enum store_status s = store_account_get(env.conn, ar, account, &acc);
    if (s != STORE_OK) {
        rc = s == STORE_NOT_FOUND ? cli_fail("no account %s", account)
                                  : cli_fail("cannot read the account: %s", store_status_name(s));
        goto out;
    }
    struct store_user u;
    store_user_init(&u, account, email, name, time_now_ms());
    u.is_admin = admin;
    u.is_editor = editor;
    u.is_member = !no_member;
    s = store_user_insert(env.conn, &u);
    if (s != STORE_OK) {
        rc = s == STORE_CONFLICT ? cli_fail("a user with e-mail %s already exists", email)
                                 : cli_fail("cannot create the user: %s", store_status_name(s));
        goto out;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", u.id);
    cJSON_AddStringToObject(o, "user_id", u.id);
    cJSON_AddStringToObject(o, "account_id", u.account_id);
    cJSON_AddStringToObject(o, "email", u.email);
    cJSON_AddStringToObject(o, "name", u.name);
    cJSON_AddStringToObject(o, "role", store_user_role(&u));
    cJSON *roles = cJSON_AddObjectToObject(o, "roles");
    cJSON_AddBoolToObject(roles, "admin", u.is_admin);
    cJSON_AddBoolToObject(roles, "member", u.is_member);
    cJSON_AddBoolToObject(roles, "editor", u.is_editor);
    cli_print_tree(o);
out:
    arena_free(ar);
    cli_env_close(&env);
    return rc;
}

/* Reads the first line of stdin (without its newline) into out; false when empty. */
static bool read_password(char *out, size_t len)
{
    if (!fgets(out, (int)len, stdin))
        return false;
    size_t n = strcspn(out, "\r\n");
    out[n] = '\0';
    return n > 0;
}

static int set_password(int argc, char **argv)
{
    struct cli_env env = {0};
    const char *account = NULL, *email = NULL;
    bool from_stdin = false;
    const struct cli_opt opts[] = {{"account", &account, NULL},
                                   {"email", &email, NULL},
                                   {"password-stdin", NULL, &from_stdin}};
    int rc = cli_args_parse(argc, argv, opts, 3, &env, NULL, 0, usage_password);
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    if (!account || !email)
        return cli_usage_error(usage_password, "--account and --email are required");
    if (!from_stdin)
        return cli_usage_error(usage_password, "--password-stdin is required (passwords are "
                                               "never taken on the command line)");
    char password[1024];
    if (!read_password(password, sizeof(password)))
        return cli_fail("no password on standard input");
    if (strlen(password) < 8 || !utf8_is_valid(password, strlen(password))) {
        sodium_memzero(password, sizeof(password));
        return cli_fail("the password must be valid UTF-8 of at least 8 characters");
    }
    rc = cli_env_open(&env);
    if (rc != CLI_OK)
        return rc;
    struct arena *ar = arena_new();
    struct store_user u;
    char hash[AUTH_PASSWORD_HASH_MAX];
    rc = cli_find_user(&env, ar, account, email, &u);
    if (rc != CLI_OK)
        goto out;
    if (!auth_password_hash(password, hash)) {
        rc = cli_fail("cannot hash the password (out of memory)");
        goto out;
    }
    enum store_status s = store_user_set_password(env.conn, account, u.id, hash, time_now_ms());
    if (s != STORE_OK) {
        rc = cli_fail("cannot store the password: %s", store_status_name(s));
        goto out;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "user_id", u.id);
    cJSON_AddBoolToObject(o, "password_set", true);
    cli_print_tree(o);
out:
    sodium_memzero(password, sizeof(password));
    arena_free(ar);
    cli_env_close(&env);
    return rc;
}

int cli_user(int argc, char **argv)
{
    static const struct cli_sub subs[] = {{"create", create, usage_create},
                                          {"set-password", set_password, usage_password}};
    return cli_subcommand(argc, argv, "user", subs, 2);
}
