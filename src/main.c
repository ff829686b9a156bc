/* Entry point: reads the command word and hands the rest of argv to cli/. */
#include "cli/cli.h"

int main(int argc, char **argv)
{
    return cli_main(argc, argv);
}
