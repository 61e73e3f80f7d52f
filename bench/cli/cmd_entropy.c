/* cmd_entropy.c - `mibench entropy METHOD FILE [--cols COLS] [--k K]
 * [--sep C] [--dropna] [--json] [--bits] [--threads T] [--quiet]`: the
 * entropy of one block of columns of a CSV/TSV or HDF5 file (read by
 * load.c, as `mibench estimate` reads it), with the library functions of
 * mibench/entropy.h. METHOD is one of the table below (the only list of
 * them): kl and kl-euclid (Kozachenko-Leonenko k-NN, max-norm or
 * Euclidean, --k neighbours), plugin and plugin-mm (discrete plug-in,
 * Miller-Madow), gaussian (the sample covariance). Without --cols the block
 * is every column of a CSV, or dataset /x of an HDF5 file. Prints the
 * entropy with 17 significant digits, nats unless --bits, or one JSON
 * object. Exit 2 for usage errors, 1 for file and data errors. */
#include <math.h>
#include <omp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "bench/cli/cli.h"
#include "bench/cli/load.h"

#define DEFAULT_K 3

enum kind { KL, PLUGIN, GAUSSIAN };

static const struct method {
    const char *name;
    enum kind kind;
    int variant; /* KL: the norm; PLUGIN: Miller-Madow */
    const char *help;
} methods[] = {
    {"kl", KL, MIB_NORM_MAX, "Kozachenko-Leonenko k-NN, max-norm (unit ball 2^d)"},
    {"kl-euclid", KL, MIB_NORM_EUCLID, "Kozachenko-Leonenko k-NN, Euclidean norm"},
    {"plugin", PLUGIN, 0, "discrete plug-in -sum p ln p (integers; a row is one symbol)"},
    {"plugin-mm", PLUGIN, 1, "the plug-in plus Miller-Madow's (K - 1) / (2N)"},
    {"gaussian", GAUSSIAN, 0, "1/2 ln((2 pi e)^d det S), S the sample covariance"},
};
enum { NMETHODS = sizeof methods / sizeof methods[0] };

typedef struct entropy_args {
    const char *method, *path, *cols, *k_text;
    int npos, json, bits, quiet, dropna;
    char sep;
    size_t k, threads;
} entropy_args;

static int set_threads(void *ctx, const char *v)
{
    return cli_parse_threads("entropy", v, &((entropy_args *)ctx)->threads);
}

static int set_k(void *ctx, const char *v)
{
    entropy_args *a = ctx;
    if (cli_parse_size(v, 1, 10000, &a->k))
        return cli_fail(CLI_EXIT_USAGE, "entropy", "--k needs an integer in [1, 10000], got "
                        "'%s'", v);
    a->k_text = v;
    return CLI_EXIT_OK;
}

static int set_sep(void *ctx, const char *v)
{
    return cli_parse_sep("entropy", v, &((entropy_args *)ctx)->sep);
}

static const cli_option options[] = {
    {.name = "--cols", .arg = "COLS", .offset = offsetof(entropy_args, cols),
     .help = "CSV: comma-separated zero-based indices or header names (default:\n"
             "every column); HDF5: one dataset (default x)"},
    {.name = "--k", .arg = "K", .parse = set_k,
     .help = "neighbours of kl and kl-euclid (default 3)"},
    {.name = "--sep", .arg = "C", .parse = set_sep,
     .help = "cell separator (default ',', tab for a .tsv file), or 'tab'"},
    {.name = "--dropna", .offset = offsetof(entropy_args, dropna),
     .help = "drop rows with a missing value in the columns (default: refuse)"},
    {.name = "--json", .offset = offsetof(entropy_args, json),
     .help = "one JSON object: method, k, entropy, units, n, d, columns, seconds"},
    {.name = "--bits", .offset = offsetof(entropy_args, bits), .help = "bits instead of nats"},
    {.name = "--threads", .arg = "T", .parse = set_threads,
     .help = "threads for kl and kl-euclid (default: all cores; same result)"},
    {.name = "--quiet", .offset = offsetof(entropy_args, quiet),
     .help = "no notes on stderr"},
    {0},
};

static int help(void)
{
    printf("usage: mibench entropy METHOD FILE [--cols COLS] [--k K] [--json] [--bits]\n"
           "Prints the entropy (nats) of the columns COLS of FILE (CSV, TSV or HDF5; a\n"
           "pipe, a FIFO or '-' for standard input, read as `mibench estimate` reads it).\n"
           "METHOD:\n");
    for (size_t i = 0; i < NMETHODS; i++)
        printf("  %-12s %s\n", methods[i].name, methods[i].help);
    printf("Options:\n");
    cli_print_options(stdout, options, 14);
    printf("k-NN: H = psi(N) - psi(k) + ln c_d + (d/N) sum ln eps_i, eps_i the distance to\n"
           "the k-th neighbour (a radius), c_d the volume of the unit ball of the norm.\n"
           "Exact duplicates (eps_i = 0) are refused: use plugin for discrete data.\n");
    return CLI_EXIT_OK;
}

static int positional(void *ctx, const char *arg)
{
    entropy_args *a = ctx;
    if (arg[0] == '-' && arg[1] == '-')
        return cli_fail(CLI_EXIT_USAGE, "entropy", "unknown option '%s' (see --help)", arg);
    if (a->npos == 2)
        return cli_fail(CLI_EXIT_USAGE, "entropy", "unexpected argument '%s'; give METHOD and "
                        "FILE once each", arg);
    *(a->npos++ ? &a->path : &a->method) = arg;
    return CLI_EXIT_OK;
}

static const cli_parser parser = {
    .verb = "entropy", .options = options, .help = help, .other = positional,
};

static const struct method *find_method(const char *name)
{
    for (size_t i = 0; i < NMETHODS; i++)
        if (strcmp(methods[i].name, name) == 0)
            return &methods[i];
    return NULL;
}

/* The entropy of the loaded block by method m, into *h. */
static int compute(const entropy_args *a, const struct method *m, const cli_loaded *l,
                   double *h, mib_err *err)
{
    const mib_data *d = &l->data;
    switch (m->kind) {
    case KL:
        return mib_entropy_kl(d->x, d->n, d->dx, a->k, m->variant, (int)a->threads, h, err);
    case PLUGIN: {
        int st = cli_check_integers(l, m->name, err);
        return st ? st : mib_entropy_plugin(d->x, d->n, d->dx, m->variant, h, err);
    }
    case GAUSSIAN:
        return mib_entropy_gaussian(d->x, d->n, d->dx, h, err);
    }
    return mib_fail(err, MIB_EINVAL, "unknown method");
}

static void print_json(const entropy_args *a, const struct method *m, const cli_loaded *l,
                       double h, double seconds)
{
    printf("{\"method\": ");
    cli_json_string(m->name);
    if (m->kind == KL)
        printf(", \"k\": %zu", a->k);
    printf(", \"entropy\": %.17g, \"units\": \"%s\", \"n\": %zu, \"d\": %zu, \"columns\": ",
           a->bits ? h / M_LN2 : h, a->bits ? "bits" : "nats", l->data.n, l->data.dx);
    cli_json_columns(l, 0);
    if (a->dropna)
        printf(", \"rows_dropped\": %zu", l->dropped);
    printf(", \"seconds\": %.6g}\n", seconds);
}

static int entropy_file(const entropy_args *a)
{
    if (a->npos < 2)
        return cli_fail(CLI_EXIT_USAGE, "entropy", "need METHOD and FILE, e.g. 'mibench "
                        "entropy kl data.csv --cols 0,1' (see --help)");
    const struct method *m = find_method(a->method);
    if (!m) {
        char known[160] = "";
        for (size_t i = 0, used = 0; i < NMETHODS; i++)
            used += (size_t)snprintf(known + used, sizeof known - used, "%s%s", i ? ", " : "",
                                     methods[i].name);
        return cli_fail(CLI_EXIT_USAGE, "entropy", "unknown method '%s'; known: %s", a->method,
                        known);
    }
    if (a->k_text && m->kind != KL)
        return cli_fail(CLI_EXIT_USAGE, "entropy", "--k applies to kl and kl-euclid, not %s",
                        m->name);
    const cli_source src = {.verb = "entropy", .path = a->path, .xs = a->cols,
                            .xopt = "--cols", .sep = a->sep, .dropna = a->dropna,
                            .quiet = a->quiet, .single = 1};
    mib_err err = {""};
    cli_loaded *l = malloc(sizeof *l);
    int st = l ? cli_load(&src, l, &err) : mib_fail(&err, MIB_ENOMEM, "out of memory"), rc;
    if (st) {
        rc = cli_fail(st == MIB_EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_FAIL, "entropy", "%s",
                      err.msg);
    } else {
        struct timespec t0, t1;
        double h;
        cli_note_input(&src, l);
        clock_gettime(CLOCK_MONOTONIC, &t0);
        st = compute(a, m, l, &h, &err);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double sec = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
        /* data problems (MIB_EDATA, MIB_ESMALL) are failures, not usage */
        if (st)
            rc = cli_fail(st == MIB_EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_FAIL, "entropy", "%s%s",
                          err.msg, st == MIB_EDATA ? l->where : "");
        else if (a->json)
            print_json(a, m, l, h, sec), rc = CLI_EXIT_OK;
        else
            cli_print_number(stdout, a->bits ? h / M_LN2 : h), rc = CLI_EXIT_OK;
    }
    if (l)
        cli_loaded_free(l);
    free(l);
    return rc;
}

int cmd_entropy(int argc, char **argv)
{
    entropy_args a = {.k = DEFAULT_K, .threads = (size_t)omp_get_max_threads()};
    int rc = cli_parse(&parser, argc, argv, &a);
    return rc == CLI_CONTINUE ? entropy_file(&a) : rc;
}
