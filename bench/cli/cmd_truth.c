/* cmd_truth.c - `mibench truth GEN_SPEC [--bits] [--se]`: the generator's
 * true MI (I(X;Y|Z) for a generator with a conditioning block), 17
 * significant digits, nats unless --bits; with --se also the truth's
 * standard error (0 for exact truths; a Monte-Carlo truth's SE). */
#include <math.h>
#include <string.h>
#include "bench/cli/cli.h"

int cmd_truth(int argc, char **argv)
{
    const char *text = NULL;
    int bits = 0, with_se = 0;
    for (int i = 1; i < argc; i++) {
        if (cli_is_help(argv[i])) {
            printf("usage: mibench truth GEN_SPEC [--bits] [--se]\n"
                   "Prints the true mutual information of the generator in nats\n"
                   "(bits with --bits), 17 significant digits; for a generator with a\n"
                   "conditioning block Z (cgaussian) the conditional MI I(X;Y|Z).\n"
                   "The mixture generator's truth (and multinormal's with inliers) is\n"
                   "a Monte-Carlo mean over a fixed sample; --se prints its standard\n"
                   "error after it on the same line (0 for the exact truths).\n"
                   "See `mibench list generators`.\n");
            return CLI_EXIT_OK;
        }
        if (strcmp(argv[i], "--bits") == 0)
            bits = 1;
        else if (strcmp(argv[i], "--se") == 0)
            with_se = 1;
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
    double mi, se = 0, unit = bits ? M_LN2 : 1;
    int st = mib_generator_spec_parse(text, &spec, &err);
    if (!st)
        st = mib_generator_alloc(&spec, &g, &err);
    if (!st)
        st = mib_generator_truth(g, &mi, &err);
    if (!st)
        st = mib_generator_truth_se(g, &se);
    mib_generator_free(g);
    if (st)
        return cli_fail(cli_status_exit(st), "truth", "%s", err.msg);
    if (with_se)
        printf("%.17g %.17g\n", mi / unit, se / unit);
    else
        cli_print_number(stdout, mi / unit);
    return CLI_EXIT_OK;
}
