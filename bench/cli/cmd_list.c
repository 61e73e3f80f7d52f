/* cmd_list.c - `mibench list [estimators|generators] [--external NAME=CMD]
 * [--plugin PATH.so]`: every registry entry with its summary and parameter
 * table (default, what is allowed, help), printed from the same tables the
 * parser validates against; declared external estimators and the types of
 * loaded plugins are listed with the built-ins, after them. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "bench/cli/cli.h"

/* What data an estimator type takes beyond continuous x and y. */
static const char *estimator_takes(const mib_estimator_type *t)
{
    unsigned f = t->flags;
    return f & MIB_EST_CONDITIONAL ? (f & MIB_EST_DISCRETE ? " [integers; also I(X;Y|Z)]"
                                                            : " [also I(X;Y|Z)]")
           : f & MIB_EST_DISCRETE  ? " [integers]"
           : f & MIB_EST_MIXED     ? " [one discrete side]"
                                   : "";
}

/* One type; est: it is an estimator type (info is its first member). */
static void print_type(const mib_type_info *info, int est)
{
    printf("  %-16s %s%s\n", info->name, info->summary,
           est ? estimator_takes((const mib_estimator_type *)info) : "");
    for (const mib_param_spec *p = info->params; p && p->name; p++) {
        char allowed[256];
        mib_param_describe(p, allowed, sizeof allowed);
        printf("      %-12s default %-10s %s; %s%s%s\n", p->name, p->def ? p->def : "(unset)",
               p->help, allowed, p->excludes ? "; not with " : "",
               p->excludes ? p->excludes : "");
    }
}

static void print_registry(const char *title, const mib_registry *r, int est)
{
    printf("%s:\n", title);
    for (size_t i = 0; i < mib_registry_count(r); i++)
        print_type(r->types[i], est);
}

typedef struct list_args {
    const char *what;
    mib_study study; /* holds the --external and --plugin declarations */
} list_args;

static int add_external(void *ctx, const char *decl)
{
    list_args *a = ctx;
    const char *eq = strchr(decl, '=');
    char name[64];
    mib_err err = {""};
    if (!eq || eq == decl)
        return cli_fail(CLI_EXIT_USAGE, "list", "--external needs NAME=COMMAND, got '%s'", decl);
    snprintf(name, sizeof name, "%.*s", (int)(eq - decl), decl);
    int st = mib_study_add_external(&a->study, name, eq + 1, &err);
    return st ? cli_fail(cli_status_exit(st), "list", "--external %s: %s", decl, err.msg)
              : CLI_EXIT_OK;
}

static int add_plugin(void *ctx, const char *path)
{
    list_args *a = ctx;
    mib_err err = {""};
    int st = mib_study_add_plugin(&a->study, path, &err);
    return st ? cli_fail(cli_status_exit(st), "list", "%s", err.msg) : CLI_EXIT_OK;
}

static const cli_option options[] = {
    {.name = "--external", .arg = "NAME=CMD", .parse = add_external,
     .help = "list an external estimator NAME run as CMD with the others"},
    {.name = "--plugin", .arg = "PATH.so", .parse = add_plugin,
     .help = "load a C plugin and list its estimators and generators with\n"
             "the others; repeat for more (README: C plugins)"},
    {0},
};

static int help(void)
{
    printf("usage: mibench list [estimators|generators] [--external NAME=CMD]...\n"
           "                    [--plugin PATH.so]...\n"
           "Lists each estimator and generator, its summary and its parameters\n"
           "(default, allowed values, meaning). Specs are NAME:key=value,...\n");
    cli_print_options(stdout, options, 16);
    return CLI_EXIT_OK;
}

static int positional(void *ctx, const char *arg)
{
    list_args *a = ctx;
    if (a->what || (strcmp(arg, "estimators") && strcmp(arg, "generators")))
        return cli_fail(CLI_EXIT_USAGE, "list", "expected 'estimators' or 'generators', got '%s'",
                        arg);
    a->what = arg;
    return CLI_EXIT_OK;
}

static const cli_parser parser = {
    .verb = "list", .options = options, .help = help, .other = positional,
};

int cmd_list(int argc, char **argv)
{
    list_args a = {NULL};
    mib_study_init(&a.study);
    int rc = cli_parse(&parser, argc, argv, &a);
    if (rc == CLI_CONTINUE) {
        rc = CLI_EXIT_OK;
        if (!a.what || strcmp(a.what, "generators") == 0)
            print_registry("generators", a.study.generators ? a.study.generators
                                                            : &mib_generator_registry, 0);
        if (!a.what || strcmp(a.what, "estimators") == 0)
            print_registry("estimators", a.study.estimators ? a.study.estimators
                                                            : &mib_estimator_registry, 1);
    }
    mib_study_free(&a.study);
    return rc;
}
