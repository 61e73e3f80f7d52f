/* cmd_sample.c - `mibench sample GEN_SPEC -n N [--seed S] -o FILE`: draw n
 * rows from a generator's stream (seed S, default 1, as run's) and write CSV (header
 * x0..,y0.., then z0.. for a generator with a conditioning block; 17
 * significant digits so values read back exactly) or HDF5 (/x, /y, /z).
 * Same spec and seed, same bytes; the stream is seeded, as run seeds a
 * trial, by the spec without its view parameters, so the views of a chain
 * draw the same rows. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "bench/cli/cli.h"
#include "bench/store/store.h"

#define MAX_SAMPLE_N 200000000UL

static const char *extension(const char *path)
{
    const char *dot = strrchr(path, '.');
    return dot ? dot + 1 : "";
}

static int help(void)
{
    printf("usage: mibench sample GEN_SPEC -n N [--seed S] [--bmi] -o FILE.csv|FILE.h5\n"
           "Draws N rows from the generator and writes them. CSV gets a header\n"
           "x0,..,y0,.. (with --bmi: X0,..,Y0,.., the bmi benchmark's names) and 17\n"
           "significant digits; HDF5 gets datasets /x (N x dx) and /y (N x dy). A\n"
           "generator with a conditioning block (cgaussian) adds columns z0,.. after\n"
           "y's, or the dataset /z (N x dz). The stream depends only on (S, GEN_SPEC):\n"
           "the same seed gives the same bytes. S defaults to 1, as for run.\n");
    return CLI_EXIT_OK;
}

int cmd_sample(int argc, char **argv)
{
    const char *text = NULL, *out = NULL;
    size_t n = 0;
    unsigned long long seed = 1;
    int bmi = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (cli_is_help(a))
            return help();
        if (strcmp(a, "--bmi") == 0) {
            bmi = 1;
            continue;
        }
        if ((strcmp(a, "-n") == 0 || strcmp(a, "--seed") == 0 || strcmp(a, "-o") == 0) &&
            i + 1 >= argc)
            return cli_fail(CLI_EXIT_USAGE, "sample", "option '%s' needs a value", a);
        if (strcmp(a, "-n") == 0) {
            if (cli_parse_size(argv[++i], 1, MAX_SAMPLE_N, &n))
                return cli_fail(CLI_EXIT_USAGE, "sample", "-n needs an integer in [1, %lu], got '%s'",
                                MAX_SAMPLE_N, argv[i]);
        } else if (strcmp(a, "--seed") == 0) {
            if (cli_parse_u64(argv[++i], &seed))
                return cli_fail(CLI_EXIT_USAGE, "sample",
                                "--seed needs a non-negative 64-bit integer, got '%s'", argv[i]);
        } else if (strcmp(a, "-o") == 0) {
            out = argv[++i];
        } else if (a[0] == '-' && a[1] != '\0') {
            return cli_fail(CLI_EXIT_USAGE, "sample", "unknown option '%s'", a);
        } else if (text) {
            return cli_fail(CLI_EXIT_USAGE, "sample", "give one GEN_SPEC (got '%s' and '%s')", text, a);
        } else {
            text = a;
        }
    }
    if (!text || !n || !out)
        return cli_fail(CLI_EXIT_USAGE, "sample", "need GEN_SPEC, -n N and -o FILE (see --help)");
    const char *ext = extension(out);
    int h5 = strcasecmp(ext, "h5") == 0 || strcasecmp(ext, "hdf5") == 0;
    if (!h5 && strcasecmp(ext, "csv") != 0)
        return cli_fail(CLI_EXIT_USAGE, "sample", "output '%s' must end in .csv or .h5", out);

    mib_err err = {""};
    mib_spec spec;
    mib_generator *g = NULL;
    gsl_rng *r = NULL;
    double *x = NULL, *y = NULL, *z = NULL;
    int st = mib_generator_spec_parse(text, &spec, &err);
    if (!st)
        st = mib_generator_alloc(&spec, &g, &err);
    if (!st) {
        char draw[512]; /* the spec without view parameters, as run seeds a trial */
        mib_spec_format_draw(&spec, draw, sizeof draw);
        r = mib_rng_alloc(mib_rng_seed_combine(seed, mib_rng_seed_string(draw)));
        x = malloc(n * g->dx * sizeof *x);
        y = malloc(n * g->dy * sizeof *y);
        z = g->dz ? malloc(n * g->dz * sizeof *z) : NULL;
        if (!r || !x || !y || (g->dz && !z))
            st = mib_fail(&err, MIB_ENOMEM, "out of memory for %zu samples", n);
    }
    if (!st)
        st = mib_generator_sample_z(g, r, n, x, y, z);
    if (!st)
        st = h5 ? mib_store_write_xyz(out, n, g->dx, x, g->dy, y, g->dz, z, &err)
                : mib_store_write_csv_xyz(out, n, g->dx, x, g->dy, y, g->dz, z,
                                          bmi ? "X" : "x", bmi ? "Y" : "y", bmi ? "Z" : "z",
                                          &err);
    free(x);
    free(y);
    free(z);
    gsl_rng_free(r);
    mib_generator_free(g);
    if (st)
        return cli_fail(cli_status_exit(st), "sample", "%s", err.msg[0] ? err.msg : mib_strerror(st));
    return CLI_EXIT_OK;
}
