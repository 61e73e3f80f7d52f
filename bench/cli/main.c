/* main.c - the mibench command line: dispatch to one verb (cmd_*.c).
 * Sets up the process once: OpenBLAS's fast kernels (blas_kernels.h, may
 * re-exec), GSL's abort-on-error handler off (every GSL
 * call's status is checked instead), the C locale for numbers, and the
 * full command line kept for provenance. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include "bench/cli/blas_kernels.h"
#include "bench/cli/cli.h"
#include "mibench/version.h"

static const cli_command commands[] = {
    {"list", "list [estimators|generators]", "list estimators and generators with their parameters", cmd_list},
    {"truth", "truth GEN_SPEC [--bits]", "print the true MI of a generator (nats)", cmd_truth},
    {"sample", "sample GEN_SPEC -n N [--seed S] -o FILE.csv|FILE.h5", "write samples from a generator", cmd_sample},
    {"estimate", "estimate EST_SPEC FILE [--x COLS] [--y COLS] [--json] [--bits]", "estimate MI from a CSV or HDF5 file", cmd_estimate},
    {"entropy", "entropy METHOD FILE [--cols COLS] [--k K] [--json] [--bits]", "entropy of columns of a CSV or HDF5 file (kl, kl-euclid, plugin, plugin-mm, gaussian)", cmd_entropy},
    {"select", "select FILE --target COL [--method mi|mrmr|jmi] [--k K]", "rank columns by their MI with a target (mi, mRMR, JMI)", cmd_select},
    {"run", "run STUDY_FILE|--gen.. --est.. --n.. -o OUT.h5 [--resume]", "run a study into a results file", cmd_run},
    {"plot", "plot OUT.h5 [-o DIR] [--format png|svg|pdf]", "draw a results file's figures with gnuplot, and index.html", cmd_plot},
    {"check", "check BASE.h5 CURRENT.h5 [--z Z] [--abs-tol X] [--strict]", "compare a results file with a baseline (exit 1: regression)", cmd_check},
};

static void usage(FILE *f)
{
    fprintf(f, "mibench %s - benchmarks of mutual-information estimators\n\nusage:\n",
            MIB_VERSION);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  mibench %-58s %s\n", commands[i].usage, commands[i].summary);
    fprintf(f, "\nSpecs are NAME[:key=value,...]; `mibench list` shows every name and key.\n"
               "Every verb takes --help. MI is in nats unless --bits is given.\n");
}

/* Join argv with spaces (no quoting) for the results' provenance. */
static char *join_args(int argc, char **argv)
{
    size_t len = 1;
    for (int i = 0; i < argc; i++)
        len += strlen(argv[i]) + 1;
    char *s = malloc(len);
    if (!s)
        return NULL;
    s[0] = '\0';
    for (int i = 0; i < argc; i++) {
        strcat(s, argv[i]);
        if (i + 1 < argc)
            strcat(s, " ");
    }
    return s;
}

int main(int argc, char **argv)
{
    mib_blas_select_kernels(argv); /* may re-exec: first, before anything else */
    mib_blas_set_threads(1);       /* see blas_kernels.h: estimates must not depend on it */
    gsl_set_error_handler_off();
    if (argc < 2) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    if (cli_is_help(argv[1]) || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("mibench %s (%s)\n", mib_version(), mib_git_commit());
        return CLI_EXIT_OK;
    }
    char *line = join_args(argc, argv);
    cli_command_line = line ? line : "";
    int rc = -1;
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            rc = commands[i].run(argc - 1, argv + 1);
    if (rc < 0) {
        fprintf(stderr, "mibench: unknown command '%s'; run 'mibench --help'\n", argv[1]);
        rc = CLI_EXIT_USAGE;
    }
    free(line);
    return rc;
}
