/* Option parsing shared by every command, and the environment they all open. */
#include "cli.h"

#include <cjson/cJSON.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("screendesk: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return CLI_FAIL;
}

int cli_usage_error(const char *usage, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("screendesk: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    fputs(usage, stderr);
    return CLI_USAGE;
}

void cli_print_json(const char *json)
{
    fputs(json, stdout);
    fputc('\n', stdout);
    fflush(stdout);
}

static const struct cli_opt *find_opt(const struct cli_opt *opts, size_t n, const char *name,
                                      size_t len)
{
    for (size_t i = 0; i < n; i++) {
        if (strlen(opts[i].name) == len && strncmp(opts[i].name, name, len) == 0)
            return &opts[i];
    }
    return NULL;
}

int cli_args_parse(int argc, char **argv, const struct cli_opt *opts, size_t n_opts,
                   struct cli_env *env, const char **positional, size_t max_positional,
                   const char *usage)
{
    const char *env_db = getenv("SCREENDESK_DB");
    const char *env_key = getenv("SCREENDESK_KEY_FILE");
    env->db_url = env_db && *env_db ? env_db : "sqlite:screendesk.db";
    env->key_file = env_key && *env_key ? env_key : NULL;
    const struct cli_opt common[] = {{"db", &env->db_url, NULL},
                                     {"key-file", &env->key_file, NULL}};
    size_t n_pos = 0;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            fputs(usage, stdout);
            return -1;
        }
        if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0') {
            if (n_pos >= max_positional)
                return cli_usage_error(usage, "unexpected argument '%s'", arg);
            positional[n_pos++] = arg;
            continue;
        }
        const char *name = arg + 2;
        const char *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        const struct cli_opt *o = find_opt(opts, n_opts, name, len);
        if (!o)
            o = find_opt(common, 2, name, len);
        if (!o)
            return cli_usage_error(usage, "unknown option '--%.*s'", (int)len, name);
        if (o->flag) {
            if (eq)
                return cli_usage_error(usage, "option '--%s' takes no value", o->name);
            *o->flag = true;
            continue;
        }
        if (eq) {
            *o->value = eq + 1;
        } else {
            if (i + 1 >= argc)
                return cli_usage_error(usage, "option '--%s' needs a value", o->name);
            *o->value = argv[++i];
        }
    }
    return CLI_OK;
}

int cli_env_open(struct cli_env *env)
{
    char err[512];
    env->store = store_open(env->db_url, err, sizeof(err));
    if (!env->store)
        return cli_fail("%s", err);
    env->conn = store_conn_get(env->store);
    if (!env->conn) {
        store_free(env->store);
        env->store = NULL;
        return cli_fail("cannot open the database %s", env->db_url);
    }
    enum store_status s = store_migrate(env->conn);
    if (s != STORE_OK) {
        cli_env_close(env);
        return s == STORE_STALE
                   ? cli_fail("the database was made or upgraded by a newer "
                              "screendesk; run that version or a later one")
                   : cli_fail("cannot create or migrate the schema: %s", store_status_name(s));
    }
    const char *key = env->key_file ? env->key_file : store_default_key_path(env->store);
    if (!auth_keys_load(&env->keys, key, true, err, sizeof(err))) {
        cli_env_close(env);
        return cli_fail("%s", err);
    }
    return CLI_OK;
}

void cli_env_close(struct cli_env *env)
{
    store_free(env->store);
    env->store = NULL;
    env->conn = NULL;
    auth_keys_fini(&env->keys);
}

int cli_subcommand(int argc, char **argv, const char *group, const struct cli_sub *subs,
                   size_t n_subs)
{
    if (argc >= 1) {
        for (size_t i = 0; i < n_subs; i++) {
            if (strcmp(argv[0], subs[i].name) == 0)
                return subs[i].run(argc - 1, argv + 1);
        }
    }
    bool help = argc >= 1 && (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0);
    FILE *f = help ? stdout : stderr;
    if (!help) {
        if (argc >= 1)
            fprintf(f, "screendesk: unknown subcommand '%s %s'\n", group, argv[0]);
        else
            fprintf(f, "screendesk: '%s' needs a subcommand\n", group);
    }
    for (size_t i = 0; i < n_subs; i++)
        fputs(subs[i].usage, f);
    return help ? CLI_OK : CLI_USAGE;
}

int cli_find_user(struct cli_env *env, struct arena *ar, const char *account_id, const char *email,
                  struct store_user *out)
{
    enum store_status s = store_user_find_by_email(env->conn, ar, account_id, email, out);
    if (s == STORE_NOT_FOUND)
        return cli_fail("no user %s in account %s", email, account_id);
    if (s != STORE_OK)
        return cli_fail("cannot read users: %s", store_status_name(s));
    return CLI_OK;
}

void cli_print_tree(void *json)
{
    char *text = cJSON_PrintUnformatted(json);
    cli_print_json(text);
    free(text);
    cJSON_Delete(json);
}
