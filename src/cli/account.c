/* `screendesk account create|update`: accounts and their owner. */
#include "cli.h"

#include "core/email.h"
#include "core/time.h"
#include "core/utf8.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

static const char usage_create[] =
    "usage: screendesk account create --name NAME --owner-email EMAIL [--owner-name NAME]\n"
    "                                 [--plan enterprise|business|starter] [--api-access on|off]\n"
    "Creates an account and its owner; prints {\"account_id\", \"owner_id\"}.\n"
    "Defaults: --plan enterprise, --api-access on.\n";
static const char usage_update[] =
    "usage: screendesk account update --account ID [--plan enterprise|business|starter]\n"
    "                                 [--api-access on|off]\n"
    "Changes an account's plan or API access switch; prints the account.\n";

static bool is_plan(const char *p)
{
    return strcmp(p, "enterprise") == 0 || strcmp(p, "business") == 0 || strcmp(p, "starter") == 0;
}

/* Returns 1 for "on", 0 for "off", -1 otherwise. */
static int on_off(const char *v)
{
    if (strcmp(v, "on") == 0)
        return 1;
    if (strcmp(v, "off") == 0)
        return 0;
    return -1;
}

static int create(int argc, char **argv)
{
    struct cli_env env = {0};
    const char *name = NULL, *email = NULL, *owner_name = NULL, *plan = "enterprise";
    const char *api = "on";
    const struct cli_opt opts[] = {{"name", &name, NULL},
                                   {"owner-email", &email, NULL},
                                   {"owner-name", &owner_name, NULL},
                                   {"plan", &plan, NULL},
                                   {"api-access", &api, NULL}};
    int rc = cli_args_parse(argc, argv, opts, 5, &env, NULL, 0, usage_create);
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    if (!name || !*name || !utf8_is_valid(name, strlen(name)))
        return cli_usage_error(usage_create, "--name is required");
    if (!email || !email_is_plausible(email))
        return cli_usage_error(usage_create, "--owner-email needs an e-mail address");
    if (owner_name && !utf8_is_valid(owner_name, strlen(owner_name)))
        return cli_usage_error(usage_create, "--owner-name is not valid UTF-8");
    if (!is_plan(plan))
        return cli_usage_error(usage_create, "--plan must be enterprise, business or starter");
    if (on_off(api) < 0)
        return cli_usage_error(usage_create, "--api-access must be on or off");
    rc = cli_env_open(&env);
    if (rc != CLI_OK)
        return rc;
    int64_t now = time_now_ms();
    struct store_account a = {.name = (char *)name,
                              .plan = (char *)plan,
                              .has_api_access = on_off(api) == 1,
                              .created_at = now,
                              .updated_at = now};
    uuid_v7_new(a.id);
    struct store_user owner;
    store_user_init(&owner, a.id, email, owner_name, now);
    owner.is_admin = true;
    snprintf(a.owner_id, sizeof(a.owner_id), "%s", owner.id);
    enum store_status s = store_begin(env.conn);
    if (s == STORE_OK)
        s = store_account_insert(env.conn, &a);
    if (s == STORE_OK)
        s = store_user_insert(env.conn, &owner);
    if (s == STORE_OK)
        s = store_commit(env.conn);
    if (s != STORE_OK) {
        store_rollback(env.conn);
        cli_env_close(&env);
        return cli_fail("cannot create the account: %s", store_status_name(s));
    }
    cJSON *out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "account_id", a.id);
    cJSON_AddStringToObject(out, "owner_id", owner.id);
    cli_print_tree(out);
    cli_env_close(&env);
    return CLI_OK;
}

static int update(int argc, char **argv)
{
    struct cli_env env = {0};
    const char *id = NULL, *plan = NULL, *api = NULL;
    const struct cli_opt opts[] = {
        {"account", &id, NULL}, {"plan", &plan, NULL}, {"api-access", &api, NULL}};
    int rc = cli_args_parse(argc, argv, opts, 3, &env, NULL, 0, usage_update);
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    if (!id)
        return cli_usage_error(usage_update, "--account is required");
    if (plan && !is_plan(plan))
        return cli_usage_error(usage_update, "--plan must be enterprise, business or starter");
    if (api && on_off(api) < 0)
        return cli_usage_error(usage_update, "--api-access must be on or off");
    rc = cli_env_open(&env);
    if (rc != CLI_OK)
        return rc;
    enum store_status s =
        store_account_update(env.conn, id, plan, api ? on_off(api) : -1, time_now_ms());
    struct arena *ar = arena_new();
    struct store_account a;
    if (s == STORE_OK)
        s = store_account_get(env.conn, ar, id, &a);
    if (s != STORE_OK) {
        rc = s == STORE_NOT_FOUND ? cli_fail("no account %s", id)
                                  : cli_fail("cannot update the account: %s", store_status_name(s));
        goto out;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "account_id", a.id);
    cJSON_AddStringToObject(o, "name", a.name);
    cJSON_AddStringToObject(o, "plan", a.plan);
    cJSON_AddStringToObject(o, "api_access", a.has_api_access ? "on" : "off");
    cJSON_AddStringToObject(o, "owner_id", a.owner_id);
    cli_print_tree(o);
out:
    arena_free(ar);
    cli_env_close(&env);
    return rc;
}

int cli_account(int argc, char **argv)
{
    static const struct cli_sub subs[] = {{"create", create, usage_create},
                                          {"update", update, usage_update}};
    return cli_subcommand(argc, argv, "account", subs, 2);
}
