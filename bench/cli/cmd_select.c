/* cmd_select.c - `mibench select FILE --target COL [--method mi|mrmr|jmi]
 * [--k K] [--est SPEC] [--sep C] [--dropna] [--json] [--bits] [--threads T]
 * [--quiet]`: ranks the numeric columns of a CSV/TSV or HDF5 file (read by
 * load.c as `mibench estimate` reads it) by their mutual information with a
 * target column. mi: by the relevance I(x_i; y). mrmr (Peng, Long & Ding
 * 2005, IEEE TPAMI 27(8), its MID form): greedily the feature maximising
 * I(x_i; y) - (1/|S|) sum_{j in S} I(x_i; x_j). jmi (Brown, Pocock, Zhao &
 * Lujan 2012, JMLR 13): greedily sum_{j in S} I(x_i x_j; y). Every estimate
 * is a registry spec run by mib_estimate; the default spec of a pair follows
 * from which sides hold integers only (ksg1, plugin or ross). Cost: O(F)
 * relevance estimates + O(F K) redundancy (or joint) estimates for F
 * features and K picks, each pair estimated once, the pairs of one step in
 * parallel over --threads with one thread per estimate, so the output is the
 * same bits for any T. Nats unless --bits. */
#include <math.h>
#include <omp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bench/cli/cli.h"
#include "bench/cli/load.h"

#define NONE SIZE_MAX
#define NOTE_SKIPPED 6 /* skipped columns the stderr line names before "..." */

enum criterion { BY_MI, BY_MRMR, BY_JMI };

static const struct method {
    const char *name;
    enum criterion kind;
    const char *help;
} methods[] = {
    {"mi", BY_MI, "rank by the relevance I(x_i; y) (default)"},
    {"mrmr", BY_MRMR, "Peng et al. 2005: max relevance minus mean redundancy"},
    {"jmi", BY_JMI, "Brown et al. 2012: joint mutual information"},
};
enum { NMETHODS = sizeof methods / sizeof methods[0] };

/* The default estimators, by the kind of the two sides (x, y) of a pair. */
enum { SPEC_KSG, SPEC_PLUGIN, SPEC_ROSS_X, SPEC_ROSS_Y, NSPECS };
static const char *const default_specs[NSPECS] = {
    [SPEC_KSG] = "ksg1",                  /* both continuous */
    [SPEC_PLUGIN] = "plugin",             /* both integer-valued */
    [SPEC_ROSS_X] = "ross:discrete=x",    /* x integer (class labels), y continuous */
    [SPEC_ROSS_Y] = "ross:discrete=y",    /* x continuous, y integer */
};

typedef struct select_args {
    const char *path, *target, *method, *est;
    int npos, json, bits, quiet, dropna;
    char sep;
    size_t k, threads;
} select_args;

static int set_threads(void *ctx, const char *v)
{
    return cli_parse_threads("select", v, &((select_args *)ctx)->threads);
}

static int set_sep(void *ctx, const char *v)
{
    return cli_parse_sep("select", v, &((select_args *)ctx)->sep);
}

static int set_k(void *ctx, const char *v)
{
    select_args *a = ctx;
    if (cli_parse_size(v, 1, 1000000000, &a->k))
        return cli_fail(CLI_EXIT_USAGE, "select", "--k needs an integer >= 1 (the features to "
                        "pick), got '%s'", v);
    return CLI_EXIT_OK;
}

static const cli_option options[] = {
    {.name = "--target", .arg = "COL", .offset = offsetof(select_args, target),
     .help = "the target: a header name or a zero-based index (HDF5: x0..,\n"
             "y0.., z0.. over the datasets /x, /y, /z)"},
    {.name = "--method", .arg = "M", .offset = offsetof(select_args, method),
     .help = "mi, mrmr or jmi (default mi; see above)"},
    {.name = "--k", .arg = "K", .parse = set_k,
     .help = "stop after K features (default: all)"},
    {.name = "--est", .arg = "SPEC", .offset = offsetof(select_args, est),
     .help = "one estimator spec for every pair (default: by column kind, below)"},
    {.name = "--sep", .arg = "C", .parse = set_sep,
     .help = "cell separator (default ',', tab for a .tsv file), or 'tab'"},
    {.name = "--dropna", .offset = offsetof(select_args, dropna),
     .help = "drop rows with a missing value in any numeric column (default: refuse)"},
    {.name = "--json", .offset = offsetof(select_args, json),
     .help = "a JSON array: rank, column, score, relevance, redundancy, units and\n"
             "the estimators of each pick, then the skipped columns"},
    {.name = "--bits", .offset = offsetof(select_args, bits), .help = "bits instead of nats"},
    {.name = "--threads", .arg = "T", .parse = set_threads,
     .help = "pair estimates run at once (default: all cores; same result)"},
    {.name = "--quiet", .offset = offsetof(select_args, quiet),
     .help = "no notes on stderr"},
    {0},
};

static int help(void)
{
    printf("usage: mibench select FILE --target COL [--method mi|mrmr|jmi] [--k K]\n"
           "                      [--est SPEC] [--json] [--bits] [--threads T]\n"
           "Ranks every other numeric column x_i of FILE (CSV, TSV or HDF5, read as\n"
           "`mibench estimate` reads it) against the target column y. S is the set\n"
           "already picked; each greedy step takes the feature of highest score:\n"
           "  mi    score = I(x_i; y), the relevance\n"
           "  mrmr  the most relevant first, then score = I(x_i; y) - (1/|S|) sum_{j in S}\n"
           "        I(x_i; x_j): the greedy form of max (1/|S|) sum I(x_i;y) - (1/|S|^2)\n"
           "        sum I(x_i;x_j) (Peng, Long & Ding 2005); redundancy = that mean\n"
           "  jmi   the most relevant first, then score = sum_{j in S} I(x_i x_j; y)\n"
           "        (Brown, Pocock, Zhao & Lujan 2012); redundancy = I(x_i; y) minus the\n"
           "        mean of I(x_i; y | x_j) = I(x_i x_j; y) - I(x_j; y) over S\n"
           "Options:\n");
    cli_print_options(stdout, options, 16);
    printf("Default estimators (a column is integer-valued when every value is an integer):\n"
           "  I(x_i; y), y integer-valued (class labels): ross:discrete=y, or plugin when\n"
           "             x_i is integer-valued too; y continuous: ksg1\n"
           "  I(x_i x_j; y): the same rule, the pair integer-valued when both are\n"
           "  I(x_i; x_j): ksg1 (both continuous), plugin (both integer-valued), ross\n"
           "             with the integer-valued side discrete; x the earlier column\n"
           "Skipped: non-numeric and constant columns, and the target (named on stderr\n"
           "on a terminal, as \"skipped\" in --json). Prints rank, column, score,\n"
           "relevance, redundancy (nats; '-' where there is none).\n");
    return CLI_EXIT_OK;
}

static int positional(void *ctx, const char *arg)
{
    select_args *a = ctx;
    if (arg[0] == '-' && arg[1] == '-')
        return cli_fail(CLI_EXIT_USAGE, "select", "unknown option '%s' (see --help)", arg);
    if (a->npos++)
        return cli_fail(CLI_EXIT_USAGE, "select", "unexpected argument '%s'; give FILE once",
                        arg);
    a->path = arg;
    return CLI_EXIT_OK;
}

static const cli_parser parser = {
    .verb = "select", .options = options, .help = help, .other = positional,
};

/* ---- the columns ---- */

typedef struct column {
    const char *name;  /* what --target takes (a header name, "x0" for HDF5), or NULL */
    size_t index;      /* the file column (CSV) or the position over /x, /y, /z (HDF5) */
    char own[32];      /* the HDF5 name */
    double *v;         /* n values (NULL for a skipped non-numeric column) */
    int integer, constant;
    const char *skip;  /* why it is no feature, or NULL */
} column;

/* Everything the ranking reads; the jobs only read it. */
typedef struct selection {
    size_t n, ncols, target;
    column *cols;         /* every numeric column, in file order */
    size_t *feat, nfeat;  /* the features: indices into cols */
    column *skipped;      /* the CSV's non-numeric columns, then the numeric ones left
                             out (copies: name, index, skip) */
    size_t nskipped;
    mib_spec spec[NSPECS];
    char canon[NSPECS][512];
    int fixed;            /* --est: spec[0] for every pair */
    int threads;
} selection;

static void selection_free(selection *s)
{
    for (size_t i = 0; s->cols && i < s->ncols; i++)
        free(s->cols[i].v);
    free(s->cols);
    free(s->feat);
    free(s->skipped);
}

/* The columns of the loaded blocks (a CSV's numeric columns are x), copied
 * one column per array, with their kind. */
static int take_columns(const cli_loaded *l, selection *s, mib_err *err)
{
    const mib_data *d = &l->data;
    const double *blocks[3] = {d->x, d->y, d->z};
    const size_t w[3] = {d->dx, d->dy, d->dz};
    s->n = d->n;
    s->ncols = d->dx + d->dy + d->dz;
    if (!(s->cols = calloc(s->ncols, sizeof *s->cols)))
        return mib_fail(err, MIB_ENOMEM, "out of memory");
    for (size_t b = 0, c = 0; b < 3; b++)
        for (size_t j = 0; j < w[b]; j++, c++) {
            column *col = &s->cols[c];
            if (!(col->v = malloc((s->n ? s->n : 1) * sizeof *col->v)))
                return mib_fail(err, MIB_ENOMEM, "out of memory for %zu rows", s->n);
            col->integer = 1;
            col->constant = 1;
            for (size_t i = 0; i < s->n; i++) {
                col->v[i] = blocks[b][i * w[b] + j];
                col->integer &= col->v[i] == floor(col->v[i]);
                col->constant &= col->v[i] == col->v[0];
            }
            if (l->xset) { /* HDF5 */
                snprintf(col->own, sizeof col->own, "%c%zu", "xyz"[b], j);
                col->name = col->own;
                col->index = c;
            } else {
                col->index = l->cx.idx[j];
                col->name = cli_column_name(l, col->index);
            }
        }
    return MIB_OK;
}

/* s->target from --target: MIB_EINVAL for a column that does not exist,
 * MIB_EDATA for one that is not numeric or is constant. */
static int find_target(const cli_loaded *l, const char *path, const char *token, selection *s,
                       mib_err *err)
{
    size_t col;
    if (l->xset) { /* HDF5: a name of the x0.., y0.., z0.. layout or a position */
        for (col = 0; col < s->ncols && strcmp(s->cols[col].name, token) != 0; col++)
            ;
        if (col == s->ncols && cli_parse_size(token, 0, s->ncols - 1, &col))
            return mib_fail(err, MIB_EINVAL, "--target: no column '%s'; '%s' has x0..x%zu "
                            "(/x), y0..y%zu (/y)%s", token, path,
                            l->data.dx - 1, l->data.dy - 1, l->data.dz ? ", z0.. (/z)" : "");
        s->target = col;
    } else {
        int st = cli_find_column(l, token, "--target", &col, err);
        if (st)
            return st;
        for (s->target = 0; s->target < s->ncols && s->cols[s->target].index != col;
             s->target++)
            ;
        if (s->target == s->ncols) { /* a skipped column: say which cell is not a number */
            double *v = malloc((l->csv.rows ? l->csv.rows : 1) * sizeof *v);
            char msg[sizeof err->msg];
            if (!v)
                return mib_fail(err, MIB_ENOMEM, "out of memory");
            st = mib_csv_extract(&l->csv, &col, 1, NULL, v, err);
            free(v);
            snprintf(msg, sizeof msg, "%s", err->msg);
            return mib_fail(err, MIB_EDATA, "the target column is not numeric: %s",
                            st ? msg : "it holds no number");
        }
    }
    const column *t = &s->cols[s->target];
    if (t->constant)
        return mib_fail(err, MIB_EDATA, "the target column '%s' is constant (every value is "
                        "%.17g)", token, t->v[0]);
    return MIB_OK;
}

/* The features: every numeric column but the target and constant ones;
 * the others, and the CSV's non-numeric columns, into s->skipped. */
static int take_features(const cli_loaded *l, selection *s, mib_err *err)
{
    s->feat = malloc(s->ncols * sizeof *s->feat);
    s->skipped = malloc((s->ncols + l->skipped.count) * sizeof *s->skipped);
    if (!s->feat || !s->skipped)
        return mib_fail(err, MIB_ENOMEM, "out of memory");
    for (size_t i = 0; i < l->skipped.count; i++)
        s->skipped[s->nskipped++] = (column){.name = cli_column_name(l, l->skipped.idx[i]),
                                             .index = l->skipped.idx[i],
                                             .skip = "not numeric"};
    for (size_t c = 0; c < s->ncols; c++) {
        column *col = &s->cols[c];
        col->skip = c == s->target ? "target" : col->constant ? "constant" : NULL;
        if (!col->skip)
            s->feat[s->nfeat++] = c;
        else
            s->skipped[s->nskipped++] = (column){.name = col->name, .index = col->index,
                                                 .skip = col->skip};
    }
    if (!s->nfeat && s->ncols == 1)
        return mib_fail(err, MIB_EDATA, "no usable feature column: the target is the only "
                        "numeric column");
    if (!s->nfeat)
        return mib_fail(err, MIB_EDATA, "no usable feature column: the other %zu numeric "
                        "column%s constant", s->ncols - 1, s->ncols > 2 ? "s are" : " is");
    return MIB_OK;
}

/* ---- the estimators ---- */

static int parse_specs(const select_args *a, selection *s, mib_err *err)
{
    s->fixed = a->est != NULL;
    for (int i = 0; i < (s->fixed ? 1 : NSPECS); i++) {
        int st = mib_estimator_spec_parse(s->fixed ? a->est : default_specs[i], &s->spec[i],
                                          err);
        if (st)
            return st;
        mib_spec_format(&s->spec[i], s->canon[i], sizeof s->canon[i]);
    }
    return MIB_OK;
}

/* I(x; y) of a feature against the target, by whether each holds integers. */
static int relevance_spec(const selection *s, int x_int, int y_int)
{
    return s->fixed ? 0 : !y_int ? SPEC_KSG : x_int ? SPEC_PLUGIN : SPEC_ROSS_Y;
}

/* I(x; y) between two features. */
static int pair_spec(const selection *s, int x_int, int y_int)
{
    return s->fixed                 ? 0
           : x_int && y_int         ? SPEC_PLUGIN
           : x_int                  ? SPEC_ROSS_X
           : y_int                  ? SPEC_ROSS_Y
                                    : SPEC_KSG;
}

/* ---- the pair estimates ---- */

/* One estimate: x is column a (and b beside it when b != NONE), y column y. */
typedef struct job {
    size_t f;          /* the feature it scores (an index into s->feat) */
    size_t a, b, y;
    int spec;
    double mi;
    int st;
    mib_err err;
} job;

static void run_job(const selection *s, job *j)
{
    const column *c = s->cols;
    const double *x = c[j->a].v;
    double *pair = NULL;
    if (j->b != NONE) {
        if (!(pair = malloc(2 * (s->n ? s->n : 1) * sizeof *pair))) {
            j->st = mib_fail(&j->err, MIB_ENOMEM, "out of memory for %zu rows", s->n);
            return;
        }
        for (size_t i = 0; i < s->n; i++) {
            pair[2 * i] = c[j->a].v[i];
            pair[2 * i + 1] = c[j->b].v[i];
        }
        x = pair;
    }
    const mib_data d = {.n = s->n, .dx = j->b != NONE ? 2 : 1, .dy = 1, .x = x,
                        .y = c[j->y].v};
    mib_workspace ws;
    mib_result res = {0};
    mib_workspace_init(&ws); /* one thread, seed 0: the bits of `mibench estimate` */
    j->st = mib_estimate(&d, &s->spec[j->spec], &ws, &res, &j->err);
    j->mi = res.mi;
    free(pair);
}

/* "I(f1; y)" or "I(f1 f2; y)" for messages. */
static void job_label(const selection *s, const job *j, char *buf, size_t len)
{
    char n[3][64];
    const size_t who[3] = {j->a, j->b, j->y};
    for (int i = 0; i < 3; i++)
        if (who[i] != NONE && s->cols[who[i]].name)
            snprintf(n[i], sizeof n[i], "%s", s->cols[who[i]].name);
        else if (who[i] != NONE)
            snprintf(n[i], sizeof n[i], "column %zu", s->cols[who[i]].index);
    snprintf(buf, len, "I(%s%s%s; %s)", n[0], j->b != NONE ? " " : "",
             j->b != NONE ? n[1] : "", n[2]);
}

/* Every job, in parallel, each on one thread; the first failure (in job
 * order, whatever the threads) into err. */
static int run_jobs(const selection *s, job *jobs, size_t count, mib_err *err)
{
#pragma omp parallel for schedule(dynamic) num_threads(s->threads)
    for (size_t i = 0; i < count; i++)
        run_job(s, &jobs[i]);
    for (size_t i = 0; i < count; i++)
        if (jobs[i].st) {
            char what[220];
            job_label(s, &jobs[i], what, sizeof what);
            return mib_fail(err, jobs[i].st, "%s with %s: %s", what,
                            s->canon[jobs[i].spec], jobs[i].err.msg);
        }
    return MIB_OK;
}

/* ---- the ranking ---- */

typedef struct pick {
    size_t f;                   /* index into s->feat */
    double score, relevance, redundancy; /* redundancy NAN: none */
    int rel_spec;
    unsigned specs;             /* bit i: s->spec[i] gave a redundancy or joint term */
} pick;

/* The feature of highest score among those not taken; ties go to the
 * earlier column, so the order never depends on the threads. */
static size_t best_of(const double *score, const unsigned char *taken, size_t count)
{
    size_t best = NONE;
    for (size_t f = 0; f < count; f++)
        if (!taken[f] && (best == NONE || score[f] > score[best]))
            best = f;
    return best;
}

/* The relevance of every feature, into rel (and each one's spec). */
static int relevances(const selection *s, job *jobs, double *rel, int *spec, mib_err *err)
{
    const column *c = s->cols;
    for (size_t f = 0; f < s->nfeat; f++)
        jobs[f] = (job){.f = f, .a = s->feat[f], .b = NONE, .y = s->target,
                        .spec = relevance_spec(s, c[s->feat[f]].integer, c[s->target].integer)};
    int st = run_jobs(s, jobs, s->nfeat, err);
    for (size_t f = 0; !st && f < s->nfeat; f++) {
        rel[f] = jobs[f].mi;
        spec[f] = jobs[f].spec;
    }
    return st;
}

/* The jobs of one greedy step: every feature not taken against the one
 * picked last (mrmr: I(x_i; x_last), jmi: I(x_i x_last; y)); a pair is
 * always laid out in file order, so each is estimated once and the same
 * way whichever was picked first. Returns how many. */
static size_t step_jobs(const selection *s, enum criterion m, size_t last,
                        const unsigned char *taken, job *jobs)
{
    const column *c = s->cols;
    size_t count = 0;
    for (size_t f = 0; f < s->nfeat; f++) {
        if (taken[f])
            continue;
        size_t lo = f < last ? s->feat[f] : s->feat[last];
        size_t hi = f < last ? s->feat[last] : s->feat[f];
        if (m == BY_MRMR)
            jobs[count++] = (job){.f = f, .a = lo, .b = NONE, .y = hi,
                                  .spec = pair_spec(s, c[lo].integer, c[hi].integer)};
        else
            jobs[count++] = (job){.f = f, .a = lo, .b = hi, .y = s->target,
                                  .spec = relevance_spec(s, c[lo].integer && c[hi].integer,
                                                         c[s->target].integer)};
    }
    return count;
}

/* The first k picks of method m into out[0..k-1] (k <= s->nfeat). */
static int rank(const selection *s, enum criterion m, size_t k, pick *out, mib_err *err)
{
    const size_t nf = s->nfeat;
    job *jobs = malloc(nf * sizeof *jobs);
    double *rel = malloc(nf * sizeof *rel), *sum = calloc(nf, sizeof *sum);
    double *score = malloc(nf * sizeof *score);
    int *rspec = malloc(nf * sizeof *rspec);
    unsigned *used = calloc(nf, sizeof *used);
    unsigned char *taken = calloc(nf, 1);
    int st = jobs && rel && sum && score && rspec && used && taken
                 ? relevances(s, jobs, rel, rspec, err)
                 : mib_fail(err, MIB_ENOMEM, "out of memory for %zu features", nf);
    double rel_picked = 0; /* sum of I(x_j; y) over S, for jmi's redundancy */
    if (!st)
        memcpy(score, rel, nf * sizeof *score);
    for (size_t r = 0; !st && r < k; r++) {
        if (r > 0 && m != BY_MI) {
            size_t count = step_jobs(s, m, out[r - 1].f, taken, jobs);
            if ((st = run_jobs(s, jobs, count, err)))
                break;
            for (size_t i = 0; i < count; i++) {
                size_t f = jobs[i].f;
                sum[f] += jobs[i].mi;
                used[f] |= 1u << jobs[i].spec;
                score[f] = m == BY_MRMR ? rel[f] - sum[f] / (double)r : sum[f];
            }
        }
        size_t f = best_of(score, taken, nf);
        double red = r == 0 || m == BY_MI ? NAN
                     : m == BY_MRMR       ? sum[f] / (double)r
                                          : rel[f] - (sum[f] - rel_picked) / (double)r;
        out[r] = (pick){.f = f, .score = score[f], .relevance = rel[f], .redundancy = red,
                        .rel_spec = rspec[f], .specs = used[f]};
        taken[f] = 1;
        rel_picked += rel[f];
    }
    free(jobs);
    free(rel);
    free(sum);
    free(score);
    free(rspec);
    free(used);
    free(taken);
    return st;
}

/* ---- output ---- */

/* A column as the table shows it: its name, else its index. */
static void column_text(const column *c, char *buf, size_t len)
{
    if (c->name)
        mib_csv_printable(c->name, 60, buf, len);
    else
        snprintf(buf, len, "%zu", c->index);
}

/* A column as --target takes it, in JSON: its name, else its index. */
static void json_column(const column *c)
{
    if (c->name)
        cli_json_string(c->name);
    else
        printf("%zu", c->index);
}

static void json_number(double v, double unit)
{
    if (isnan(v))
        printf("null");
    else
        printf("%.17g", v / unit);
}

static void print_json(const select_args *a, const selection *s,
                       enum criterion m, const pick *p, size_t k)
{
    const double unit = a->bits ? M_LN2 : 1;
    for (size_t r = 0; r < k; r++) {
        printf("%s{\"rank\": %zu, \"column\": ", r ? ",\n " : "[", r + 1);
        json_column(&s->cols[s->feat[p[r].f]]);
        printf(", \"score\": ");
        json_number(p[r].score, unit);
        printf(", \"relevance\": ");
        json_number(p[r].relevance, unit);
        printf(", \"redundancy\": ");
        json_number(p[r].redundancy, unit);
        printf(", \"units\": \"%s\", \"relevance_estimator\": ", a->bits ? "bits" : "nats");
        cli_json_string(s->canon[p[r].rel_spec]);
        if (m != BY_MI) {
            printf(", \"%s\": [", m == BY_MRMR ? "redundancy_estimators" : "joint_estimators");
            for (int i = 0, first = 1; i < NSPECS; i++)
                if (p[r].specs & (1u << i)) {
                    printf("%s", first ? "" : ", ");
                    cli_json_string(s->canon[i]);
                    first = 0;
                }
            printf("]");
        }
        printf("}");
    }
    for (size_t i = 0; i < s->nskipped; i++) { /* each skipped column, and why */
        printf(",\n {\"column\": ");
        json_column(&s->skipped[i]);
        printf(", \"skipped\": \"%s\"}", s->skipped[i].skip);
    }
    printf("]\n");
}

static void print_table(const select_args *a, const selection *s, const pick *p, size_t k)
{
    const double unit = a->bits ? M_LN2 : 1;
    int w = (int)strlen("column");
    char name[200];
    for (size_t r = 0; r < k; r++) {
        column_text(&s->cols[s->feat[p[r].f]], name, sizeof name);
        w = (int)strlen(name) > w ? (int)strlen(name) : w;
    }
    printf("%-4s  %-*s  %-23s  %-23s  %s\n", "rank", w, "column", "score", "relevance",
           "redundancy");
    for (size_t r = 0; r < k; r++) {
        char v[3][32];
        const double x[3] = {p[r].score, p[r].relevance, p[r].redundancy};
        for (int i = 0; i < 3; i++)
            if (isnan(x[i]))
                snprintf(v[i], sizeof v[i], "-");
            else
                snprintf(v[i], sizeof v[i], "%.17g", x[i] / unit);
        column_text(&s->cols[s->feat[p[r].f]], name, sizeof name);
        printf("%-4zu  %-*s  %-23s  %-23s  %s\n", r + 1, w, name, v[0], v[1], v[2]);
    }
}

/* One stderr line naming the skipped columns, on a terminal only. */
static void note_skipped(const select_args *a, const selection *s)
{
    if (a->quiet || !isatty(STDERR_FILENO) || !s->nskipped)
        return;
    char line[1200] = "";
    size_t used = 0;
    for (size_t i = 0; i < s->nskipped && i < NOTE_SKIPPED && used < sizeof line; i++) {
        char name[200];
        column_text(&s->skipped[i], name, sizeof name);
        used += (size_t)snprintf(line + used, sizeof line - used, "%s'%s' (%s)", i ? ", " : "",
                                 name, s->skipped[i].skip);
    }
    if (s->nskipped > NOTE_SKIPPED && used < sizeof line)
        snprintf(line + used, sizeof line - used, ", ... (%zu columns)", s->nskipped);
    fprintf(stderr, "mibench select: skipped %s\n", line);
}

/* ---- the verb ---- */

static const struct method *find_method(const char *name)
{
    for (size_t i = 0; i < NMETHODS; i++)
        if (strcmp(methods[i].name, name) == 0)
            return &methods[i];
    return NULL;
}

/* The arguments that need no file: FILE, --target, --method, --est. */
static int check_args(const select_args *a, const struct method **m, selection *s)
{
    mib_err err = {""};
    if (!a->npos)
        return cli_fail(CLI_EXIT_USAGE, "select", "need FILE, e.g. 'mibench select data.csv "
                        "--target y' (see --help)");
    if (!a->target)
        return cli_fail(CLI_EXIT_USAGE, "select", "need --target COL, the column to rank the "
                        "others against");
    if (!(*m = find_method(a->method))) {
        char known[160] = "";
        for (size_t i = 0, used = 0; i < NMETHODS; i++)
            used += (size_t)snprintf(known + used, sizeof known - used, "%s%s", i ? ", " : "",
                                     methods[i].name);
        return cli_fail(CLI_EXIT_USAGE, "select", "unknown method '%s'; known: %s", a->method,
                        known);
    }
    if (parse_specs(a, s, &err))
        return cli_fail(CLI_EXIT_USAGE, "select", "--est: %s", err.msg);
    return CLI_CONTINUE;
}

static int select_file(const select_args *a)
{
    const struct method *m = NULL;
    selection s = {.threads = (int)a->threads};
    int rc = check_args(a, &m, &s);
    if (rc != CLI_CONTINUE)
        return rc;
    const cli_source src = {.verb = "select", .path = a->path, .sep = a->sep,
                            .dropna = a->dropna, .quiet = a->quiet, .single = 1,
                            .numeric = 1};
    mib_err err = {""};
    pick *picks = NULL;
    cli_loaded *l = malloc(sizeof *l);
    int st = l ? cli_load(&src, l, &err) : mib_fail(&err, MIB_ENOMEM, "out of memory");
    if (!st)
        st = take_columns(l, &s, &err);
    if (!st)
        st = find_target(l, a->path, a->target, &s, &err);
    if (!st)
        st = take_features(l, &s, &err);
    size_t k = !st && a->k && a->k < s.nfeat ? a->k : s.nfeat;
    if (!st && !(picks = malloc(k * sizeof *picks)))
        st = mib_fail(&err, MIB_ENOMEM, "out of memory");
    if (!st) {
        cli_note_input(&src, l);
        note_skipped(a, &s);
        st = rank(&s, m->kind, k, picks, &err);
    }
    /* columns that do not fit the file (MIB_EINVAL) are a usage error */
    if (st)
        rc = cli_fail(cli_status_exit(st), "select", "%s", err.msg);
    else if (a->json)
        print_json(a, &s, m->kind, picks, k), rc = CLI_EXIT_OK;
    else
        print_table(a, &s, picks, k), rc = CLI_EXIT_OK;
    free(picks);
    selection_free(&s);
    if (l)
        cli_loaded_free(l);
    free(l);
    return rc;
}

int cmd_select(int argc, char **argv)
{
    select_args a = {.method = "mi", .threads = (size_t)omp_get_max_threads()};
    int rc = cli_parse(&parser, argc, argv, &a);
    return rc == CLI_CONTINUE ? select_file(&a) : rc;
}
