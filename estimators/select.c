/* select.c - feature ranking by mutual information (select.h): relevance,
 * mRMR (Peng, Long & Ding 2005, IEEE TPAMI 27(8), the MID form) and JMI
 * (Brown, Pocock, Zhao & Lujan 2012, JMLR 13), greedily over the columns of
 * a column-major table. Every MI is a registry spec run by mib_estimate
 * with one thread and seed 0; the default spec of a pair follows from
 * which sides hold integers only (ksg1, plugin or ross). Cost: F relevance
 * estimates + F per greedy step (mrmr: I(x_i; x_last), jmi: I(x_i x_last;
 * y)) for F features, each pair estimated once, the estimates of one step
 * in parallel over the threads (OpenMP, dynamic), each into its own slot,
 * ties to the earlier column: the same bits for any thread count. Memory:
 * O(F) besides the 2n-value pair block of each running jmi estimate. */
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mibench/estimator.h"
#include "mibench/select.h"

#define NONE SIZE_MAX

static const char *const default_specs[MIB_SELECT_NSPECS] = {
    [MIB_SELECT_KSG] = "ksg1",
    [MIB_SELECT_PLUGIN] = "plugin",
    [MIB_SELECT_ROSS_X] = "ross:discrete=x",
    [MIB_SELECT_ROSS_Y] = "ross:discrete=y",
};

void mib_select_options_init(mib_select_options *opt)
{
    if (opt)
        *opt = (mib_select_options){.method = MIB_SELECT_MI, .threads = 1};
}

const char *mib_select_default_spec(int i)
{
    return i >= 0 && i < MIB_SELECT_NSPECS ? default_specs[i] : NULL;
}

/* Everything the ranking reads; the jobs only read it. */
typedef struct selection {
    const double *table;
    size_t n, ncols, target;
    const char *const *names;
    unsigned char *integer; /* per column: every value an integer */
    size_t *feat, nfeat;    /* the feature columns, in table order */
    mib_spec spec[MIB_SELECT_NSPECS];
    int fixed;              /* opt->spec: spec[0] for every pair */
    int threads;
} selection;

/* Column c's name, or "column c" in buf. */
static const char *label(const selection *s, size_t c, char *buf, size_t len)
{
    if (s->names && s->names[c])
        return s->names[c];
    snprintf(buf, len, "column %zu", c);
    return buf;
}

/* Each column's kind; the features (every column but the target and the
 * constant ones). MIB_EDATA for a non-finite value, a constant target or no
 * feature. */
static int scan_columns(selection *s, mib_err *err)
{
    char name[64];
    for (size_t c = 0; c < s->ncols; c++) {
        const double *v = s->table + c * s->n;
        int integer = 1, constant = 1;
        for (size_t i = 0; i < s->n; i++) {
            if (!isfinite(v[i]))
                return mib_fail(err, MIB_EDATA, "column '%s' has a non-finite value (%g) at "
                                "row %zu", label(s, c, name, sizeof name), v[i], i);
            integer &= v[i] == floor(v[i]);
            constant &= v[i] == v[0];
        }
        s->integer[c] = (unsigned char)integer;
        if (c == s->target && constant)
            return mib_fail(err, MIB_EDATA, "the target column '%s' is constant (every value "
                            "is %.17g)", label(s, c, name, sizeof name), v[0]);
        if (c != s->target && !constant)
            s->feat[s->nfeat++] = c;
    }
    if (!s->nfeat && s->ncols == 1)
        return mib_fail(err, MIB_EDATA, "no usable feature column: the target is the only "
                        "numeric column");
    if (!s->nfeat)
        return mib_fail(err, MIB_EDATA, "no usable feature column: the other %zu numeric "
                        "column%s constant", s->ncols - 1, s->ncols > 2 ? "s are" : " is");
    return MIB_OK;
}

/* The specs, the buffers and the column scan. */
static int prepare(selection *s, const mib_select_options *opt, mib_err *err)
{
    s->fixed = opt->spec != NULL;
    if (s->fixed && !mib_estimator_type_of(opt->spec, err))
        return MIB_EINVAL;
    if (s->fixed)
        s->spec[0] = *opt->spec;
    for (int i = 0; !s->fixed && i < MIB_SELECT_NSPECS; i++) {
        int st = mib_estimator_spec_parse(default_specs[i], &s->spec[i], err);
        if (st)
            return st;
    }
    s->integer = malloc(s->ncols);
    s->feat = malloc(s->ncols * sizeof *s->feat);
    if (!s->integer || !s->feat)
        return mib_fail(err, MIB_ENOMEM, "out of memory for %zu columns", s->ncols);
    return scan_columns(s, err);
}

/* I(x; y) of a feature against the target, by whether each holds integers. */
static int relevance_spec(const selection *s, int x_int, int y_int)
{
    return s->fixed ? 0 : !y_int ? MIB_SELECT_KSG : x_int ? MIB_SELECT_PLUGIN : MIB_SELECT_ROSS_Y;
}

/* I(x; y) between two features. */
static int pair_spec(const selection *s, int x_int, int y_int)
{
    return s->fixed                 ? 0
           : x_int && y_int         ? MIB_SELECT_PLUGIN
           : x_int                  ? MIB_SELECT_ROSS_X
           : y_int                  ? MIB_SELECT_ROSS_Y
                                    : MIB_SELECT_KSG;
}

/* ---- the pair estimates ---- */

/* One estimate: x is column a (and b beside it when b != NONE), y column y. */
typedef struct job {
    size_t f; /* the feature it scores (an index into s->feat) */
    size_t a, b, y;
    int spec;
    double mi;
    int st;
    mib_err err;
} job;

static void run_job(const selection *s, job *j)
{
    const size_t n = s->n;
    const double *x = s->table + j->a * n;
    double *pair = NULL;
    if (j->b != NONE) {
        if (!(pair = malloc(2 * n * sizeof *pair))) {
            j->st = mib_fail(&j->err, MIB_ENOMEM, "out of memory for %zu rows", n);
            return;
        }
        for (size_t i = 0; i < n; i++) {
            pair[2 * i] = x[i];
            pair[2 * i + 1] = s->table[j->b * n + i];
        }
        x = pair;
    }
    const mib_data d = {.n = n, .dx = j->b != NONE ? 2 : 1, .dy = 1, .x = x,
                        .y = s->table + j->y * n};
    mib_workspace ws;
    mib_result res = {0};
    mib_workspace_init(&ws); /* one thread, seed 0: the bits of `mibench estimate` */
    j->st = mib_estimate(&d, &s->spec[j->spec], &ws, &res, &j->err);
    j->mi = res.mi;
    free(pair);
}

/* Every job, in parallel, each on one thread; the first failure (in job
 * order, whatever the threads) into err, as "I(f1 f2; y) with SPEC: ...". */
static int run_jobs(const selection *s, job *jobs, size_t count, mib_err *err)
{
#pragma omp parallel for schedule(dynamic) num_threads(s->threads) if (s->threads > 1)
    for (size_t i = 0; i < count; i++)
        run_job(s, &jobs[i]);
    for (size_t i = 0; i < count; i++) {
        const job *j = &jobs[i];
        if (!j->st)
            continue;
        char na[64], nb[64], ny[64], spec[512];
        mib_spec_format(&s->spec[j->spec], spec, sizeof spec);
        return mib_fail(err, j->st, "I(%s%s%s; %s) with %s: %s", label(s, j->a, na, sizeof na),
                        j->b != NONE ? " " : "", j->b != NONE ? label(s, j->b, nb, sizeof nb) : "",
                        label(s, j->y, ny, sizeof ny), spec, j->err.msg);
    }
    return MIB_OK;
}

/* ---- the ranking ---- */

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
    for (size_t f = 0; f < s->nfeat; f++)
        jobs[f] = (job){.f = f, .a = s->feat[f], .b = NONE, .y = s->target,
                        .spec = relevance_spec(s, s->integer[s->feat[f]],
                                               s->integer[s->target])};
    int st = run_jobs(s, jobs, s->nfeat, err);
    for (size_t f = 0; !st && f < s->nfeat; f++) {
        rel[f] = jobs[f].mi;
        spec[f] = jobs[f].spec;
    }
    return st;
}

/* The jobs of one greedy step: every feature not taken against the one
 * picked last (mrmr: I(x_i; x_last), jmi: I(x_i x_last; y)); a pair is
 * always laid out in table order, so each is estimated once and the same
 * way whichever was picked first. Returns how many. */
static size_t step_jobs(const selection *s, int m, size_t last, const unsigned char *taken,
                        job *jobs)
{
    const unsigned char *in = s->integer;
    size_t count = 0;
    for (size_t f = 0; f < s->nfeat; f++) {
        if (taken[f])
            continue;
        size_t lo = f < last ? s->feat[f] : s->feat[last];
        size_t hi = f < last ? s->feat[last] : s->feat[f];
        if (m == MIB_SELECT_MRMR)
            jobs[count++] = (job){.f = f, .a = lo, .b = NONE, .y = hi,
                                  .spec = pair_spec(s, in[lo], in[hi])};
        else
            jobs[count++] = (job){.f = f, .a = lo, .b = hi, .y = s->target,
                                  .spec = relevance_spec(s, in[lo] && in[hi], in[s->target])};
    }
    return count;
}

/* The first k picks of method m into out[0..k-1] (k <= s->nfeat). */
static int rank(const selection *s, int m, size_t k, mib_select_pick *out, mib_err *err)
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
    size_t last = NONE;    /* the feature picked last */
    if (!st)
        memcpy(score, rel, nf * sizeof *score);
    for (size_t r = 0; !st && r < k; r++) {
        if (r > 0 && m != MIB_SELECT_MI) {
            size_t count = step_jobs(s, m, last, taken, jobs);
            if ((st = run_jobs(s, jobs, count, err)))
                break;
            for (size_t i = 0; i < count; i++) {
                size_t f = jobs[i].f;
                sum[f] += jobs[i].mi;
                used[f] |= 1u << jobs[i].spec;
                score[f] = m == MIB_SELECT_MRMR ? rel[f] - sum[f] / (double)r : sum[f];
            }
        }
        size_t f = best_of(score, taken, nf);
        double red = r == 0 || m == MIB_SELECT_MI ? NAN
                     : m == MIB_SELECT_MRMR       ? sum[f] / (double)r
                                                  : rel[f] - (sum[f] - rel_picked) / (double)r;
        out[r] = (mib_select_pick){.column = s->feat[f], .score = score[f], .relevance = rel[f],
                                   .redundancy = red, .relevance_spec = rspec[f],
                                   .specs = used[f]};
        taken[f] = 1;
        rel_picked += rel[f];
        last = f;
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

int mib_select(const double *table, size_t n, size_t ncols, size_t target,
               const mib_select_options *opt, mib_select_pick *picks, size_t *npicks,
               mib_err *err)
{
    mib_select_options defaults;
    mib_select_options_init(&defaults);
    opt = opt ? opt : &defaults;
    if (npicks)
        *npicks = 0;
    if (!table || !picks || !npicks)
        return mib_fail(err, MIB_EINVAL, "mib_select: NULL %s",
                        !table ? "table" : !picks ? "picks" : "npicks");
    if (target >= ncols)
        return mib_fail(err, MIB_EINVAL, "mib_select: target column %zu, but the table has "
                        "%zu column%s", target, ncols, ncols == 1 ? "" : "s");
    if (opt->method < MIB_SELECT_MI || opt->method > MIB_SELECT_JMI)
        return mib_fail(err, MIB_EINVAL, "mib_select: unknown method %d", opt->method);
    if (opt->threads < 1)
        return mib_fail(err, MIB_EINVAL, "mib_select: threads=%d; need at least 1",
                        opt->threads);
    if (n < 2)
        return mib_fail(err, MIB_ESMALL, "need at least 2 samples, got %zu", n);
    selection s = {.table = table, .n = n, .ncols = ncols, .target = target,
                   .names = opt->names, .threads = opt->threads};
    int st = prepare(&s, opt, err);
    size_t k = opt->k && opt->k < s.nfeat ? opt->k : s.nfeat;
    if (!st && !(st = rank(&s, opt->method, k, picks, err)))
        *npicks = k;
    free(s.integer);
    free(s.feat);
    return st;
}
