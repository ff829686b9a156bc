/* cli/args.c: option parsing shared by every command. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cli/cli.h"

#include <stdlib.h>

static const char usage[] = "usage: test\n";

static void parses_values_flags_and_common_options(void **state)
{
    (void)state;
    unsetenv("SCREENDESK_DB");
    struct cli_env env = {0};
    const char *name = NULL, *pos[1] = {NULL};
    bool admin = false;
    const struct cli_opt opts[] = {{"name", &name, NULL}, {"admin", NULL, &admin}};
    char *argv[] = {"--name", "Ann", "--admin", "--db=sqlite:x.db", "file.ndjson"};
    assert_int_equal(cli_args_parse(5, argv, opts, 2, &env, pos, 1, usage), CLI_OK);
    assert_string_equal(name, "Ann");
    assert_true(admin);
    assert_string_equal(env.db_url, "sqlite:x.db");
    assert_string_equal(pos[0], "file.ndjson");
}

static void default_database_comes_from_the_environment(void **state)
{
    (void)state;
    struct cli_env env = {0};
    unsetenv("SCREENDESK_DB");
    assert_int_equal(cli_args_parse(0, NULL, NULL, 0, &env, NULL, 0, usage), CLI_OK);
    assert_string_equal(env.db_url, "sqlite:screendesk.db");
    setenv("SCREENDESK_DB", "sqlite:/tmp/env.db", 1);
    assert_int_equal(cli_args_parse(0, NULL, NULL, 0, &env, NULL, 0, usage), CLI_OK);
    assert_string_equal(env.db_url, "sqlite:/tmp/env.db");
    unsetenv("SCREENDESK_DB");
}

static void usage_errors(void **state)
{
    (void)state;
    struct cli_env env = {0};
    const char *name = NULL;
    bool flag = false;
    const struct cli_opt opts[] = {{"name", &name, NULL}, {"flag", NULL, &flag}};
    char *unknown[] = {"--nope"};
    char *missing[] = {"--name"};
    char *extra[] = {"stray"};
    char *flag_value[] = {"--flag=1"};
    assert_int_equal(cli_args_parse(1, unknown, opts, 2, &env, NULL, 0, usage), CLI_USAGE);
    assert_int_equal(cli_args_parse(1, missing, opts, 2, &env, NULL, 0, usage), CLI_USAGE);
    assert_int_equal(cli_args_parse(1, extra, opts, 2, &env, NULL, 0, usage), CLI_USAGE);
    assert_int_equal(cli_args_parse(1, flag_value, opts, 2, &env, NULL, 0, usage), CLI_USAGE);
    char *help[] = {"--help"};
    assert_int_equal(cli_args_parse(1, help, opts, 2, &env, NULL, 0, usage), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_values_flags_and_common_options),
        cmocka_unit_test(default_database_comes_from_the_environment),
        cmocka_unit_test(usage_errors),
    };
    return cmocka_run_group_tests_name("cli_args", tests, NULL, NULL);
}
