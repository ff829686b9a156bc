/* The command table: the first word of argv picks a command group. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: screendesk COMMAND [options]\n"
    "\n"
    "commands:\n"
    "  init                 create or migrate the schema (and the token key file)\n"
    "  serve                answer the REST API and SCIM over HTTP\n"
    "  account create|update\n"
    "  user create|set-password\n"
    "  token create|list|show|rename|revoke\n"
    "  scim-token create|revoke\n"
    "  recordings import    load recordings from NDJSON\n"
    "\n"
    "Every command takes --db URL (default $SCREENDESK_DB, else sqlite:screendesk.db) and\n"
    "--key-file PATH (default $SCREENDESK_KEY_FILE, else the database path plus .key).\n"
    "Run 'screendesk COMMAND --help' for a command's options.\n";

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
} commands[] = {
    {"init", cli_init},
    {"serve", cli_serve},
    {"account", cli_account},
    {"user", cli_user},
    {"token", cli_token},
    {"scim-token", cli_scim_token},
    {"recordings", cli_recordings},
};

int cli_main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return CLI_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        fputs(usage, stdout);
        return CLI_OK;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 2, argv + 2);
    }
    fprintf(stderr, "screendesk: unknown command '%s'\n", argv[1]);
    fputs(usage, stderr);
    return CLI_USAGE;
}
