/* cmd_estimate.c - `mibench estimate EST_SPEC FILE [--est SPEC]... [--x COLS]
 * [--y COLS] [--z COLS] [--sep C] [--dropna] [--json] [--bits] [--threads T]
 * [--plugin PATH.so]`: estimates on the user's data (with the built-in
 * estimators and those of loaded plugins), from a CSV/TSV file (csv.c) or
 * an HDF5 file (/x and /y, or the datasets --x/--y name), read by load.c. FILE may be a
 * pipe, a FIFO or "-" (standard input): a non-regular input is read once
 * into memory and its format told from those bytes. Columns are zero-based
 * indices or header names; without --x/--y the choice is made only when it
 * is unambiguous (two columns; or a header of exactly x0.., y0.. or X0..,
 * Y0..), and the chosen columns are always reported (a stderr note on a
 * terminal, x_columns/y_columns in --json). --z (or z0.. columns of such a
 * header, or an HDF5 /z) adds a conditioning block: I(X;Y|Z), for the
 * estimators that take one, with z_columns and dz in --json. --permutations K
 * adds a permutation test to each estimate (mib_permutation_test: K more
 * estimates, seeded by --perm-seed) and prints its p-value and null
 * distribution's mean and sd. --ci LEVEL adds a confidence interval
 * (mib_confidence_interval: 54 estimates on disjoint subsets, seeded by
 * --ci-seed) and prints its bounds, sd and bias trend. The file is read
 * once for every estimator asked for. One estimate prints the number (17 significant
 * digits, nats unless --bits) or one JSON object; several print a table or
 * a JSON array. Column handling is O(columns log columns). Exit 2 for usage
 * and spec errors, 1 for file and data errors. */
#include <errno.h>
#include <math.h>
#include <omp.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "bench/cli/cli.h"
#include "bench/cli/load.h"

static int help(void)
{
    char names[256];
    mib_estimator_conditional_names(names, sizeof names);
    printf("usage: mibench estimate EST_SPEC FILE [--est SPEC]... [--x COLS] [--y COLS]\n"
           "                        [--z COLS] [--sep C] [--dropna] [--json] [--bits]\n"
           "                        [--threads T] [--quiet] [--plugin PATH.so]...\n"
           "                        [--permutations K [--perm-seed S]] [--ci LEVEL [--ci-seed S]]\n"
           "       mibench estimate --est SPEC [--est SPEC]... FILE [options]\n"
           "       mibench estimate EST_SPEC FILE DIMX DIMY   (bmi's external-estimator call)\n"
           "Estimates the MI between the x and the y columns of FILE, or with a z block\n"
           "the conditional MI I(X;Y|Z) (%s).\n"
           "  FILE        CSV or TSV (optional header; C-locale numbers) or HDF5 (datasets\n"
           "              /x, /y); a pipe or FIFO works, '-' is standard input\n"
           "  DIMX DIMY   x is the first DIMX columns, y the next DIMY (bmi's X0..,Y0..\n"
           "              layout); the estimate alone is printed on stdout\n"
           "  --est       one more estimator spec; repeat for more. '|' alternatives in a\n"
           "              spec expand too. Several estimators print a table (or with\n"
           "              --json an array); the file is read once\n"
           "  --x, --y    CSV: comma-separated zero-based column indices or header names;\n"
           "              HDF5: dataset names. Without both, the columns are chosen only\n"
           "              when that is unambiguous: a header of exactly x0.., y0.. (or\n"
           "              X0.., Y0..), or a two-column file (x = 0, y = 1); given one of\n"
           "              them, the other is every remaining column\n"
           "  --z         the conditioning columns (HDF5: a dataset), taken before x and\n"
           "              y are chosen. Without --x, --y and --z, a header's z0.. columns\n"
           "              (x0.., y0.., z0.., as `mibench sample cgaussian` writes) or an\n"
           "              HDF5 file's /z are the z block\n"
           "  --sep C     cell separator: one character such as ';' or '|', or 'tab'\n"
           "              (default ',', and tab for a .tsv file)\n"
           "  --dropna    drop the rows with a missing value (empty, NA, NaN, ...) in the\n"
           "              selected columns, and say how many (default: refuse them)\n"
           "  --json      print one JSON object: estimator (canonical), estimate, units, n,\n"
           "              dx, dy, x_columns, y_columns (and dz, z_columns with a z block),\n"
           "              seconds, flags\n"
           "  --bits      report bits instead of nats\n"
           "  --threads   threads for the estimator (default: all cores)\n"
           "  --permutations K\n"
           "              a permutation test of each estimate: K more estimates with the\n"
           "              rows of y shuffled (within the strata of an integer z; among\n"
           "              each row's 5 nearest z neighbours for another z, Runge 2018),\n"
           "              run in parallel; prints p = (1 + #{null >= estimate}) / (K + 1)\n"
           "              and the null's mean and sd (--json: permutations, p_value,\n"
           "              null_mean, null_sd, perm_seed, perm_scheme)\n"
           "  --perm-seed S  the shuffles' seed (default 1); the same S, the same p for\n"
           "              any --threads\n"
           "  --ci LEVEL  a confidence interval at LEVEL in (0, 1), e.g. 0.95 (Holmes &\n"
           "              Nemenman 2019): for m = 2..10 the rows are cut into m disjoint\n"
           "              random subsets, estimated on each (54 estimates, in parallel);\n"
           "              their spread, scaled as 1/rows, gives the sd at N; prints\n"
           "              estimate -+ z sd and 'trend', the slope of the subset means\n"
           "              against m. It is for the estimator's mean at N: where the bias\n"
           "              is not small against sd (trend shows it) it misses the true MI\n"
           "              (README: measured coverage). Needs N >= 20 (--json: ci_level,\n"
           "              ci_lower, ci_upper, ci_sd, ci_trend, ci_smallest, ci_seed)\n"
           "  --ci-seed S  the subsets' seed (default 1); the same S, the same interval\n"
           "              for any --threads\n"
           "  --quiet     no notes or warnings on stderr (bmi reads both streams as one)\n"
           "  --plugin    load a C plugin's estimators, usable in EST_SPEC; repeat for\n"
           "              more (README: C plugins)\n"
           "On a terminal, a note on stderr names the columns used, and an estimate that\n"
           "runs longer than 2 s shows the time so far.\n"
           "Estimators and their parameters: mibench list estimators\n",
           names);
    return CLI_EXIT_OK;
}

/* Everything the command line sets; the option table points into it. */
typedef struct estimate_args {
    const char *text, *path, *xs, *ys;  /* EST_SPEC, FILE, --x, --y */
    const char *zs;                     /* --z */
    const char *dims[2];                /* DIMX, DIMY (bmi's call), or NULL */
    const char *pos[4];                 /* the positionals, in order */
    int npos;
    const char **ests;                  /* --est specs (argc slots) */
    int nests;
    char sep;                           /* --sep, or 0: from the file name */
    int json, bits, quiet, dropna;
    size_t threads;
    size_t permutations;                /* --permutations K, 0: no test */
    unsigned long long perm_seed;       /* --perm-seed S (default 1) */
    int perm_seed_given;
    double ci;                          /* --ci LEVEL, 0: no interval */
    unsigned long long ci_seed;         /* --ci-seed S (default 1) */
    int ci_seed_given;
    mib_study plugins; /* the --plugin types' registries, nothing else */
} estimate_args;

static int set_threads(void *ctx, const char *v)
{
    return cli_parse_threads("estimate", v, &((estimate_args *)ctx)->threads);
}

/* Most permutations --permutations takes (K + 1 estimates; 1e7 of the
 * fastest estimator is already minutes). */
#define MAX_PERMUTATIONS 10000000

static int set_permutations(void *ctx, const char *v)
{
    estimate_args *a = ctx;
    if (cli_parse_size(v, 1, MAX_PERMUTATIONS, &a->permutations))
        return cli_fail(CLI_EXIT_USAGE, "estimate", "--permutations needs an integer in "
                        "[1, %d], got '%s'", MAX_PERMUTATIONS, v);
    return CLI_EXIT_OK;
}

static int set_perm_seed(void *ctx, const char *v)
{
    estimate_args *a = ctx;
    if (cli_parse_u64(v, &a->perm_seed))
        return cli_fail(CLI_EXIT_USAGE, "estimate", "--perm-seed needs a non-negative 64-bit "
                        "integer, got '%s'", v);
    a->perm_seed_given = 1;
    return CLI_EXIT_OK;
}

static int set_ci(void *ctx, const char *v)
{
    estimate_args *a = ctx;
    char *end;
    errno = 0;
    double level = *v ? strtod(v, &end) : NAN;
    if (!*v || errno || *end || !(level > 0 && level < 1))
        return cli_fail(CLI_EXIT_USAGE, "estimate", "--ci needs a level in (0, 1) such as "
                        "0.95, got '%s'", v);
    a->ci = level;
    return CLI_EXIT_OK;
}

static int set_ci_seed(void *ctx, const char *v)
{
    estimate_args *a = ctx;
    if (cli_parse_u64(v, &a->ci_seed))
        return cli_fail(CLI_EXIT_USAGE, "estimate", "--ci-seed needs a non-negative 64-bit "
                        "integer, got '%s'", v);
    a->ci_seed_given = 1;
    return CLI_EXIT_OK;
}

static int add_plugin(void *ctx, const char *path)
{
    estimate_args *a = ctx;
    mib_err err = {""};
    int st = mib_study_add_plugin(&a->plugins, path, &err);
    return st ? cli_fail(cli_status_exit(st), "estimate", "%s", err.msg) : CLI_EXIT_OK;
}

static int add_estimator(void *ctx, const char *spec)
{
    estimate_args *a = ctx;
    a->ests[a->nests++] = spec;
    return CLI_EXIT_OK;
}

/* One character that cannot be part of a number or a quoted cell. */
static int set_sep(void *ctx, const char *v)
{
    return cli_parse_sep("estimate", v, &((estimate_args *)ctx)->sep);
}

/* No help texts: help() shows FILE and --x/--y on shared rows, a layout
 * that is not one row per option, so its text stays whole there. */
static const cli_option options[] = {
    {.name = "--x", .arg = "COLS", .offset = offsetof(estimate_args, xs)},
    {.name = "--y", .arg = "COLS", .offset = offsetof(estimate_args, ys)},
    {.name = "--z", .arg = "COLS", .offset = offsetof(estimate_args, zs)},
    {.name = "--est", .arg = "SPEC", .parse = add_estimator},
    {.name = "--sep", .arg = "C", .parse = set_sep},
    {.name = "--dropna", .offset = offsetof(estimate_args, dropna)},
    {.name = "--threads", .arg = "T", .parse = set_threads},
    {.name = "--permutations", .arg = "K", .parse = set_permutations},
    {.name = "--perm-seed", .arg = "S", .parse = set_perm_seed},
    {.name = "--ci", .arg = "LEVEL", .parse = set_ci},
    {.name = "--ci-seed", .arg = "S", .parse = set_ci_seed},
    {.name = "--json", .offset = offsetof(estimate_args, json)},
    {.name = "--bits", .offset = offsetof(estimate_args, bits)},
    {.name = "--quiet", .offset = offsetof(estimate_args, quiet)},
    {.name = "--plugin", .arg = "PATH.so", .parse = add_plugin},
    {0},
};

/* The positionals, sorted out once every option is known (below). Only
 * "--..." is an unknown option: "-" (standard input) or "-x.csv" is a spec
 * or a file name like any other. */
static int positional(void *ctx, const char *arg)
{
    estimate_args *a = ctx;
    if (arg[0] == '-' && arg[1] == '-')
        return cli_fail(CLI_EXIT_USAGE, "estimate", "unknown option '%s' (see --help)",
                        arg);
    if (a->npos == 4)
        return cli_fail(CLI_EXIT_USAGE, "estimate", "unexpected argument '%s'; give "
                        "EST_SPEC and FILE once each (and DIMX DIMY)", arg);
    a->pos[a->npos++] = arg;
    return CLI_EXIT_OK;
}

/* EST_SPEC FILE [DIMX DIMY], or with --est: [EST_SPEC] FILE. */
static int sort_positionals(estimate_args *a)
{
    if (a->nests) {
        if (a->npos > 2)
            return cli_fail(CLI_EXIT_USAGE, "estimate", "unexpected argument '%s'; with "
                            "--est give [EST_SPEC] FILE (DIMX DIMY take a single EST_SPEC)",
                            a->pos[2]);
        if (a->npos == 0)
            return cli_fail(CLI_EXIT_USAGE, "estimate", "need FILE, e.g. 'mibench estimate "
                            "--est ksg1 data.csv' (see --help)");
        a->text = a->npos == 2 ? a->pos[0] : NULL;
        a->path = a->pos[a->npos - 1];
        return CLI_CONTINUE;
    }
    if (a->npos < 2)
        return cli_fail(CLI_EXIT_USAGE, "estimate", "need EST_SPEC and FILE, e.g. 'mibench "
                        "estimate ksg1:k=3 data.csv' (see --help)");
    a->text = a->pos[0];
    a->path = a->pos[1];
    if (a->npos == 3)
        return cli_fail(CLI_EXIT_USAGE, "estimate", "unexpected argument '%s'; give EST_SPEC "
                        "and FILE once each (and DIMX DIMY)", a->pos[2]);
    a->dims[0] = a->npos == 4 ? a->pos[2] : NULL;
    a->dims[1] = a->npos == 4 ? a->pos[3] : NULL;
    return CLI_CONTINUE;
}

/* DIMX DIMY, when given, are integers in [1, 1000] instead of --x/--y. */
static int check_dims(const estimate_args *a)
{
    size_t d;
    for (int i = 0; a->dims[0] && i < 2; i++)
        if (cli_parse_size(a->dims[i], 1, 1000, &d))
            return cli_fail(CLI_EXIT_USAGE, "estimate", "DIMX and DIMY must be integers in "
                            "[1, 1000], got '%s'", a->dims[i]);
    if (a->dims[0] && (a->xs || a->ys))
        return cli_fail(CLI_EXIT_USAGE, "estimate", "give DIMX DIMY or --x/--y, not both");
    if (a->perm_seed_given && !a->permutations)
        return cli_fail(CLI_EXIT_USAGE, "estimate", "--perm-seed seeds the shuffles of "
                        "--permutations K; give --permutations too");
    if (a->ci_seed_given && !a->ci)
        return cli_fail(CLI_EXIT_USAGE, "estimate", "--ci-seed seeds the subsets of --ci "
                        "LEVEL; give --ci too");
    return CLI_CONTINUE;
}

static const cli_parser parser = {
    .verb = "estimate", .options = options, .help = help, .other = positional,
};

/* ---- estimates and their output ---- */

/* One estimator's outcome. */
typedef struct outcome {
    char canon[512];
    int st;
    mib_err err;
    mib_result res;
    mib_permutation_result perm; /* with --permutations */
    mib_ci_result ci;            /* with --ci */
    double seconds;
} outcome;

/* A line on a terminal while one estimate runs long (a neural estimator
 * trains for minutes): from HEARTBEAT_AFTER seconds on, once a second, the
 * spec, the time so far and, for estimators that train, the training step
 * and the bound it reached (from the workspace's curve sink), erased when
 * the estimate ends. A thread of its own that only waits and writes. */
#define HEARTBEAT_AFTER 2

typedef struct heartbeat {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int done, running;
    const char *what;
    struct timespec t0;
    _Atomic long step;       /* training steps taken so far, -1: none reported */
    _Atomic double bound;    /* the bound at the last step */
} heartbeat;

/* The curve sink of a training estimator: remember where it is. */
static int note_step(void *ctx, size_t step, double estimate, double truth)
{
    heartbeat *h = ctx;
    (void)truth;
    h->bound = estimate;
    h->step = (long)step + 1;
    return 0;
}

static void *beat(void *arg)
{
    heartbeat *h = arg;
    struct timespec next = h->t0, now;
    int shown = 0;
    next.tv_sec += HEARTBEAT_AFTER;
    pthread_mutex_lock(&h->lock);
    while (!h->done) {
        if (pthread_cond_timedwait(&h->wake, &h->lock, &next) != ETIMEDOUT || h->done)
            continue;
        clock_gettime(CLOCK_MONOTONIC, &now);
        int width = cli_terminal_width();
        char line[640], step[96] = "";
        long k = h->step;
        if (k > 0)
            snprintf(step, sizeof step, ", training step %ld (bound %.3f)", k, (double)h->bound);
        snprintf(line, sizeof line, "mibench estimate: %lds elapsed%s, running %s",
                 (long)(now.tv_sec - h->t0.tv_sec), step, h->what); /* the spec is cut first */
        fprintf(stderr, "\r\033[K%.*s", width - 1, line);
        fflush(stderr);
        shown = 1;
        next.tv_sec++;
    }
    if (shown)
        fputs("\r\033[K", stderr);
    pthread_mutex_unlock(&h->lock);
    return NULL;
}

/* Start the heartbeat for what on a terminal (else do nothing). */
static void heartbeat_start(heartbeat *h, const estimate_args *a, const char *what)
{
    pthread_condattr_t attr;
    memset(h, 0, sizeof *h);
    h->step = -1;
    if (a->quiet || !isatty(STDERR_FILENO))
        return;
    h->what = what;
    clock_gettime(CLOCK_MONOTONIC, &h->t0);
    pthread_mutex_init(&h->lock, NULL);
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&h->wake, &attr);
    pthread_condattr_destroy(&attr);
    h->running = pthread_create(&h->thread, NULL, beat, h) == 0;
    if (!h->running) {
        pthread_cond_destroy(&h->wake);
        pthread_mutex_destroy(&h->lock);
    }
}

/* Stop it (its line erased) before anything else is printed. */
static void heartbeat_stop(heartbeat *h)
{
    if (!h->running)
        return;
    pthread_mutex_lock(&h->lock);
    h->done = 1;
    pthread_cond_signal(&h->wake);
    pthread_mutex_unlock(&h->lock);
    pthread_join(h->thread, NULL);
    pthread_cond_destroy(&h->wake);
    pthread_mutex_destroy(&h->lock);
}

/* One timed estimate of the loaded data into *o. */
static void run_one(const estimate_args *a, const mib_spec *spec, const cli_loaded *l,
                    outcome *o)
{
    const mib_estimator_type *type = mib_estimator_type_of(spec, NULL);
    mib_workspace ws;
    struct timespec t0, t1;
    mib_workspace_init(&ws);
    ws.threads = (int)a->threads;
    mib_spec_format(spec, o->canon, sizeof o->canon);
    o->err.msg[0] = '\0';
    heartbeat h;
    heartbeat_start(&h, a, o->canon);
    if (h.running)
        ws.curve = (mib_curve_sink){.ctx = &h, .point = note_step};
    clock_gettime(CLOCK_MONOTONIC, &t0);
    o->st = type && (type->flags & MIB_EST_DISCRETE) ? cli_check_integers(l, type->info.name, &o->err)
                                                      : MIB_OK;
    if (!o->st && a->permutations) {
        o->st = mib_permutation_test(&l->data, spec, a->permutations, a->perm_seed, &ws,
                                     &o->perm, &o->err);
        o->res = o->perm.observed;
    }
    if (!o->st && a->ci) { /* its estimate on all rows is the test's, bit for bit */
        o->st = mib_confidence_interval(&l->data, spec, a->ci, a->ci_seed, &ws, &o->ci,
                                        &o->err);
        o->res = o->ci.observed;
    }
    if (!o->st && !a->permutations && !a->ci)
        o->st = mib_estimate(&l->data, spec, &ws, &o->res, &o->err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    heartbeat_stop(&h);
    o->seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
}

static const struct {
    unsigned bit;
    const char *name;
} flag_names[] = {{MIB_RES_JITTER, "jitter"},     {MIB_RES_TIES, "ties"},
                  {MIB_RES_CAPPED, "capped"},     {MIB_RES_EARLYSTOP, "early_stop"},
                  {MIB_RES_CONSTANT, "constant"}};

static void print_json(const estimate_args *a, const cli_loaded *l, const outcome *o)
{
    printf("{\"estimator\": ");
    cli_json_string(o->canon);
    if (o->st) {
        printf(", \"status\": \"%s\", \"error\": ", mib_status_name(o->st));
        cli_json_string(o->err.msg);
        printf("}");
        return;
    }
    double mi = a->bits ? o->res.mi / M_LN2 : o->res.mi;
    printf(", \"estimate\": %.17g, \"units\": \"%s\", \"n\": %zu, \"dx\": %zu, \"dy\": %zu, ",
           mi, a->bits ? "bits" : "nats", l->data.n, l->data.dx, l->data.dy);
    if (l->data.dz)
        printf("\"dz\": %zu, ", l->data.dz);
    printf("\"x_columns\": ");
    cli_json_columns(l, 0);
    printf(", \"y_columns\": ");
    cli_json_columns(l, 1);
    if (l->data.dz) {
        printf(", \"z_columns\": ");
        cli_json_columns(l, 2);
    }
    if (a->dropna)
        printf(", \"rows_dropped\": %zu", l->dropped);
    if (a->permutations) {
        double unit = a->bits ? M_LN2 : 1;
        printf(", \"permutations\": %zu, \"p_value\": %.17g, \"null_mean\": %.17g, "
               "\"null_sd\": %.17g, \"perm_seed\": %llu, \"perm_scheme\": \"%s\"",
               o->perm.permutations, o->perm.p_value, o->perm.null_mean / unit,
               o->perm.null_sd / unit, a->perm_seed, mib_perm_scheme_name(o->perm.scheme));
    }
    if (a->ci) {
        double unit = a->bits ? M_LN2 : 1;
        printf(", \"ci_level\": %.17g, \"ci_lower\": %.17g, \"ci_upper\": %.17g, "
               "\"ci_sd\": %.17g, \"ci_trend\": %.17g, \"ci_smallest\": %zu, \"ci_seed\": %llu",
               o->ci.level, o->ci.lower / unit, o->ci.upper / unit, o->ci.sd / unit,
               o->ci.trend / unit, o->ci.smallest, a->ci_seed);
    }
    printf(", \"seconds\": %.6g, \"flags\": [", o->seconds);
    int first = 1;
    for (size_t i = 0; i < sizeof flag_names / sizeof flag_names[0]; i++)
        if (o->res.flags & flag_names[i].bit) {
            printf("%s\"%s\"", first ? "" : ", ", flag_names[i].name);
            first = 0;
        }
    printf("]}");
}

/* "jitter,ties" or "-", or the status name of a failure. */
static void flag_text(const outcome *o, char *buf, size_t len)
{
    size_t used = 0;
    if (o->st) {
        snprintf(buf, len, "%s", mib_status_name(o->st));
        return;
    }
    snprintf(buf, len, "-");
    for (size_t i = 0; i < sizeof flag_names / sizeof flag_names[0] && used < len; i++)
        if (o->res.flags & flag_names[i].bit)
            used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? "," : "",
                                     flag_names[i].name);
}

/* The line under one estimate with --permutations:
 * "p = 0.01 (K = 99, plain; null mean -0.00123, sd 0.00456 nats)". */
static void print_perm_line(const estimate_args *a, const mib_permutation_result *p)
{
    double unit = a->bits ? M_LN2 : 1;
    printf("p = %.6g (K = %zu, %s; null mean %.6g, sd %.6g %s)\n", p->p_value,
           p->permutations, mib_perm_scheme_name(p->scheme), p->null_mean / unit,
           p->null_sd / unit, a->bits ? "bits" : "nats");
}

/* The line under one estimate with --ci: "95% interval [0.391, 0.436] (sd
 * 0.0114, trend -0.00043 nats; subsets of 2..10, the smallest 500 rows)". */
static void print_ci_line(const estimate_args *a, const mib_ci_result *c)
{
    double unit = a->bits ? M_LN2 : 1;
    printf("%.6g%% interval [%.6g, %.6g] (sd %.6g, trend %.6g %s; subsets of 2..%zu, the "
           "smallest %zu rows)\n", 100 * c->level, c->lower / unit, c->upper / unit,
           c->sd / unit, c->trend / unit, a->bits ? "bits" : "nats", c->subsets, c->smallest);
}

/* The table of several estimates: estimator, estimate (or "failed"), with
 * --permutations p, null_mean and null_sd, with --ci ci_lower, ci_upper
 * and ci_sd, then seconds, flags (or the
 * failure's status name); blank-separated columns. */
static void print_table(const estimate_args *a, const outcome *o, size_t count)
{
    int w = (int)strlen("estimator");
    double unit = a->bits ? M_LN2 : 1;
    for (size_t i = 0; i < count; i++)
        if ((int)strlen(o[i].canon) > w)
            w = (int)strlen(o[i].canon);
    printf("%-*s  %-23s  ", w, "estimator", a->bits ? "bits" : "nats");
    if (a->permutations)
        printf("%-10s  %-12s  %-12s  ", "p", "null_mean", "null_sd");
    if (a->ci)
        printf("%-12s  %-12s  %-12s  ", "ci_lower", "ci_upper", "ci_sd");
    printf("%9s  %s\n", "seconds", "flags");
    for (size_t i = 0; i < count; i++) {
        char num[32], flags[96];
        if (o[i].st)
            snprintf(num, sizeof num, "failed");
        else
            snprintf(num, sizeof num, "%.17g", o[i].res.mi / unit);
        flag_text(&o[i], flags, sizeof flags);
        printf("%-*s  %-23s  ", w, o[i].canon, num);
        if (a->permutations && o[i].st)
            printf("%-10s  %-12s  %-12s  ", "-", "-", "-");
        else if (a->permutations)
            printf("%-10.6g  %-12.6g  %-12.6g  ", o[i].perm.p_value, o[i].perm.null_mean / unit,
                   o[i].perm.null_sd / unit);
        if (a->ci && o[i].st)
            printf("%-12s  %-12s  %-12s  ", "-", "-", "-");
        else if (a->ci)
            printf("%-12.6g  %-12.6g  %-12.6g  ", o[i].ci.lower / unit, o[i].ci.upper / unit,
                   o[i].ci.sd / unit);
        printf("%9.3g  %s\n", o[i].seconds, flags);
    }
}

/* Each failure as one stderr line (prefixed by its spec when there are
 * several), the ties warning; the exit code of the first failure. */
static int report_outcomes(const estimate_args *a, const cli_loaded *l, const outcome *o,
                           size_t count)
{
    int rc = CLI_EXIT_OK;
    for (size_t i = 0; i < count; i++) {
        const char *pre = count > 1 ? o[i].canon : "", *colon = count > 1 ? ": " : "";
        if (o[i].st) {
            int code = cli_fail(cli_status_exit(o[i].st), "estimate", "%s%s%s%s", pre, colon,
                                o[i].err.msg, o[i].st == MIB_EDATA ? l->where : "");
            rc = rc ? rc : code;
        } else if ((o[i].res.flags & MIB_RES_TIES) && !a->quiet) {
            fprintf(stderr, "mibench estimate: warning: %s%sduplicate points with no jitter; "
                    "the estimate assumes continuous data and may be far off (flag 'ties')\n",
                    pre, colon);
        }
    }
    return rc;
}

/* Every spec on the loaded data, then the output: the number or object for
 * one estimate (nothing on stdout when it failed), else the table or the
 * array. Returns the exit code. */
static int estimate_all(const estimate_args *a, const mib_spec *specs, size_t count,
                        const cli_loaded *l)
{
    outcome *o = calloc(count, sizeof *o);
    if (!o)
        return cli_fail(CLI_EXIT_FAIL, "estimate", "out of memory");
    for (size_t i = 0; i < count; i++)
        run_one(a, &specs[i], l, &o[i]);
    int rc = report_outcomes(a, l, o, count);
    if (count == 1 && !o[0].st && a->json) {
        print_json(a, l, &o[0]);
        putchar('\n');
    } else if (count == 1 && !o[0].st) {
        cli_print_number(stdout, a->bits ? o[0].res.mi / M_LN2 : o[0].res.mi);
        if (a->permutations)
            print_perm_line(a, &o[0].perm);
        if (a->ci)
            print_ci_line(a, &o[0].ci);
    } else if (count > 1 && a->json) {
        for (size_t i = 0; i < count; i++) {
            printf("%s", i ? ",\n " : "[");
            print_json(a, l, &o[i]);
        }
        printf("]\n");
    } else if (count > 1) {
        print_table(a, o, count);
    }
    free(o);
    return rc;
}

/* EST_SPEC and every --est, '|' alternatives expanded, into *out. */
static int parse_specs(const estimate_args *a, mib_spec **out, size_t *count, mib_err *err)
{
    const mib_registry *reg = a->plugins.estimators ? a->plugins.estimators
                                                    : &mib_estimator_registry;
    mib_spec *all = NULL;
    size_t n = 0;
    for (int i = -1; i < a->nests; i++) {
        const char *text = i < 0 ? a->text : a->ests[i];
        mib_spec *some;
        size_t k;
        if (!text)
            continue;
        int st = mib_registry_expand(reg, text, &some, &k, err);
        mib_spec *grown = st ? NULL : realloc(all, (n + k) * sizeof *all);
        if (grown) {
            memcpy(grown + n, some, k * sizeof *some);
            all = grown;
            n += k;
        }
        if (!st)
            free(some);
        if (st || !grown) {
            free(all);
            return st ? st : mib_fail(err, MIB_ENOMEM, "out of memory");
        }
    }
    *out = all;
    *count = n;
    return MIB_OK;
}

/* The estimates the parsed arguments ask for; returns the exit code. */
static int estimate_file(estimate_args *a)
{
    int rc = sort_positionals(a);
    if (rc == CLI_CONTINUE)
        rc = check_dims(a);
    if (rc != CLI_CONTINUE)
        return rc;
    mib_err err = {""};
    mib_spec *specs = NULL;
    size_t count = 0;
    if (parse_specs(a, &specs, &count, &err))
        return cli_fail(CLI_EXIT_USAGE, "estimate", "%s", err.msg);
    const cli_source src = {.verb = "estimate", .path = a->path, .xs = a->xs, .ys = a->ys,
                            .zs = a->zs, .dims = {a->dims[0], a->dims[1]}, .sep = a->sep,
                            .dropna = a->dropna, .quiet = a->quiet};
    cli_loaded *l = malloc(sizeof *l);
    int st = l ? cli_load(&src, l, &err) : mib_fail(&err, MIB_ENOMEM, "out of memory");
    /* Columns that do not fit the file (MIB_EINVAL) are a usage error; an
     * unreadable file or bad data is a failure. */
    if (st) {
        rc = cli_fail(st == MIB_EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_FAIL, "estimate", "%s",
                      err.msg);
    } else {
        cli_note_input(&src, l);
        rc = estimate_all(a, specs, count, l);
    }
    if (l)
        cli_loaded_free(l);
    free(l);
    free(specs);
    return rc;
}

int cmd_estimate(int argc, char **argv)
{
    estimate_args a = {.threads = (size_t)omp_get_max_threads(), .perm_seed = 1, .ci_seed = 1};
    mib_study_init(&a.plugins);
    a.ests = calloc((size_t)argc, sizeof *a.ests);
    int rc = a.ests ? cli_parse(&parser, argc, argv, &a)
                    : cli_fail(CLI_EXIT_FAIL, "estimate", "out of memory");
    if (rc == CLI_CONTINUE)
        rc = estimate_file(&a);
    mib_study_free(&a.plugins); /* after the estimates: the types live in the plugins */
    free(a.ests);
    return rc;
}
