/* `screendesk init`: create or migrate the schema and the token key file. */
#include "cli.h"

#include <cjson/cJSON.h>
#include <stdlib.h>

static const char usage[] = "usage: screendesk init [--db URL] [--key-file PATH]\n"
                            "Creates the schema (or applies new migrations) and the token key\n"
                            "file (mode 0600, beside the database unless --key-file is given).\n";

int cli_init(int argc, char **argv)
{
    struct cli_env env = {0};
    int rc = cli_args_parse(argc, argv, NULL, 0, &env, NULL, 0, usage);
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    rc = cli_env_open(&env);
    if (rc != CLI_OK)
        return rc;
    cJSON *out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "status", "ok");
    cJSON_AddStringToObject(out, "database", env.db_url);
    cJSON_AddStringToObject(out, "key_file",
                            env.key_file ? env.key_file : store_default_key_path(env.store));
    cli_print_tree(out);
    cli_env_close(&env);
    return CLI_OK;
}
