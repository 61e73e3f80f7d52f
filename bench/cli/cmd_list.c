/* cmd_list.c - `mibench list [estimators|generators]`: every registry entry
 * with its summary and parameter table (default, what is allowed, help),
 * printed from the same tables the parser validates against. */
#include <string.h>
#include "bench/cli/cli.h"

static void print_type(const mib_type_info *info)
{
    printf("  %-16s %s\n", info->name, info->summary);
    for (const mib_param_spec *p = info->params; p && p->name; p++) {
        char allowed[256];
        mib_param_describe(p, allowed, sizeof allowed);
        printf("      %-12s default %-10s %s; %s%s%s\n", p->name, p->def ? p->def : "(unset)",
               p->help, allowed, p->excludes ? "; not with " : "",
               p->excludes ? p->excludes : "");
    }
}

int cmd_list(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "all";
    if (cli_is_help(what)) {
        printf("usage: mibench list [estimators|generators]\n"
               "Lists each estimator and generator, its summary and its parameters\n"
               "(default, allowed values, meaning). Specs are NAME:key=value,...\n");
        return CLI_EXIT_OK;
    }
    int gens = strcmp(what, "generators") == 0, ests = strcmp(what, "estimators") == 0;
    if (argc > 2 || (!gens && !ests && strcmp(what, "all") != 0))
        return cli_fail(CLI_EXIT_USAGE, "list", "expected 'estimators' or 'generators', got '%s'",
                        argc > 2 ? argv[2] : what);
    if (!ests) {
        printf("generators:\n");
        for (size_t i = 0; mib_generator_at(i); i++)
            print_type(&mib_generator_at(i)->info);
    }
    if (!gens) {
        printf("estimators:\n");
        for (size_t i = 0; mib_estimator_at(i); i++)
            print_type(&mib_estimator_at(i)->info);
    }
    return CLI_EXIT_OK;
}
