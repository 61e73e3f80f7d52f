/* cmd_truth.c - `mibench truth GEN_SPEC [--bits]`: the generator's true MI
 * (I(X;Y|Z) for a generator with a conditioning block), 17 significant
 * digits, nats unless --bits. */
#include <math.h>
#include <string.h>
#include "bench/cli/cli.h"

int cmd_truth(int argc, char **argv)
{
    const char *text = NULL;
    int bits = 0;
    for (int i = 1; i < argc; i++) {
        if (cli_is_help(argv[i])) {
            printf("usage: mibench truth GEN_SPEC [--bits]\n"
                   "Prints the true mutual information of the generator in nats\n"
                   "(bits with --bits), 17 significant digits; for a generator with a\n"
                   "conditioning block Z (cgaussian) the conditional MI I(X;Y|Z).\n"
                   "See `mibench list generators`.\n");
            return CLI_EXIT_OK;
        }
        if (strcmp(argv[i], "--bits") == 0)
            bits = 1;
        else if (argv[i][0] == '-' && argv[i][1] == '-')
            return cli_fail(CLI_EXIT_USAGE, "truth", "unknown option '%s'", argv[i]);
        else if (text)
            return cli_fail(CLI_EXIT_USAGE, "truth", "give one GEN_SPEC (got '%s' and '%s')", text,
                            argv[i]);
        else
            text = argv[i];
    }
    if (!text)
        return cli_fail(CLI_EXIT_USAGE, "truth", "missing GEN_SPEC; try 'mibench list generators'");
    mib_err err = {""};
    mib_spec spec;
    mib_generator *g = NULL;
    double mi;
    int st = mib_generator_spec_parse(text, &spec, &err);
    if (!st)
        st = mib_generator_alloc(&spec, &g, &err);
    if (!st)
        st = mib_generator_truth(g, &mi, &err);
    mib_generator_free(g);
    if (st)
        return cli_fail(cli_status_exit(st), "truth", "%s", err.msg);
    cli_print_number(stdout, bits ? mi / M_LN2 : mi);
    return CLI_EXIT_OK;
}
