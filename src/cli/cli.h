/* Command-line commands: one file per command group, each reached from cli_main. */
#ifndef CLI_CLI_H
#define CLI_CLI_H

#include "auth/token.h"
#include "store/store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

/* One option of a command: "--name VALUE" (value set) or "--name" (flag set). */
struct cli_opt {
    const char *name;   /* without the leading dashes */
    const char **value; /* set for options that take a value */
    bool *flag;         /* set for switches */
};

/* What every command opens: the store, its connection, the token keys. */
struct cli_env {
    const char *db_url;
    const char *key_file;
    struct store *store;
    struct store_conn *conn;
    struct auth_keys keys;
};

/* A subcommand of a command group ("token create"). */
struct cli_sub {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage;
};

/* Runs the subcommand named by argv[0] among subs; prints every usage for --help. */
int cli_subcommand(int argc, char **argv, const char *group, const struct cli_sub *subs,
                   size_t n_subs);
/* Finds the user with email in account; prints an error and returns CLI_FAIL when missing. */
int cli_find_user(struct cli_env *env, struct arena *ar, const char *account_id, const char *email,
                  struct store_user *out);
/* Prints a cJSON tree on stdout and deletes it. */
void cli_print_tree(void *json);

/* Runs the command named by argv[1]; returns the process exit status. */
int cli_main(int argc, char **argv);

/* Parses argv (after the command words) against opts, plus --db, --key-file and --help which
 * every command takes. Up to max_positional bare words go into positional. Returns CLI_OK,
 * CLI_USAGE (message printed), or -1 when --help was given (usage printed). */
int cli_args_parse(int argc, char **argv, const struct cli_opt *opts, size_t n_opts,
                   struct cli_env *env, const char **positional, size_t max_positional,
                   const char *usage);
/* Opens the store and keys of env, creating schema and key file when missing. CLI_OK or
 * CLI_FAIL (message printed). */
int cli_env_open(struct cli_env *env);
/* Closes what cli_env_open opened. */
void cli_env_close(struct cli_env *env);
/* Prints an error line on stderr; returns CLI_FAIL. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints a usage error and the usage text on stderr; returns CLI_USAGE. */
int cli_usage_error(const char *usage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints a JSON text (and a newline) on stdout. */
void cli_print_json(const char *json);

int cli_init(int argc, char **argv);
int cli_serve(int argc, char **argv);
int cli_account(int argc, char **argv);
int cli_user(int argc, char **argv);
int cli_token(int argc, char **argv);
int cli_scim_token(int argc, char **argv);
int cli_recordings(int argc, char **argv);
/* Seeds the demo account when the database has none; prints the token. CLI_OK or CLI_FAIL. */
int cli_demo_seed(struct cli_env *env, const char *base_url);

#endif
