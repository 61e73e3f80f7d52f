/* test_runner.c - the sweep runner and study files, on toy types defined
 * here (so the tests do not depend on which estimators are registered):
 * summary arithmetic against hand values, cells and seeds (one seed for
 * the views of one draw, on the built-in chain generator), identical
 * results for 1 and 2 threads, interrupted + resumed = uninterrupted,
 * rebuild from the journal, refusals (existing output, lock, other study),
 * failures and resource limits recorded as data, online curves, and
 * malformed study files reported with their line numbers. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include "mibench/mibench.h"
#include "bench/harness/summary.h"

/* ---- toy types ---- */

enum { G_RHO };
static const mib_param_spec tg_params[] = {
    {.name = "rho", .kind = MIB_PARAM_REAL, .def = "0.5", .min = -1, .max = 1,
     .flags = MIB_OPEN_MIN | MIB_OPEN_MAX, .help = "correlation"},
    {.name = NULL},
};
static int tg_builds; /* tg_init calls (criterion runs each test in its own process) */
static int tg_init(void *state, const mib_spec *spec, mib_generator_shape *shape, mib_err *err)
{
    tg_builds++;
    if (spec->v[G_RHO].num == 0.25) /* a cross-parameter refusal, for the study tests */
        return mib_fail(err, MIB_ESPEC, "rho 0.25 is refused");
    *(double *)state = spec->v[G_RHO].num;
    *shape = (mib_generator_shape){.dx = 1, .dy = 1, .discrete = 0};
    return MIB_OK;
}
static int tg_truth(const void *state, double *mi, mib_err *err)
{
    double r = *(const double *)state;
    *mi = -0.5 * log1p(-r * r);
    return MIB_OK;
}
static int tg_sample(const void *state, gsl_rng *r, size_t n, double *x, double *y)
{
    for (size_t i = 0; i < n; i++)
        gsl_ran_bivariate_gaussian(r, 1, 1, *(const double *)state, &x[i], &y[i]);
    return MIB_OK;
}
static const mib_generator_type tgauss = {
    .info = {"tgauss", "toy bivariate Gaussian", tg_params}, .state_size = sizeof(double),
    .init = tg_init, .truth = tg_truth, .sample = tg_sample};

/* Gaussian MI from the sample correlation. */
static double corr_mi(const double *x, const double *y, size_t n)
{
    double mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0;
    for (size_t i = 0; i < n; i++) {
        mx += x[i];
        my += y[i];
    }
    mx /= (double)n;
    my /= (double)n;
    for (size_t i = 0; i < n; i++) {
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
        sxy += (x[i] - mx) * (y[i] - my);
    }
    double r = sxy / sqrt(sxx * syy);
    return -0.5 * log1p(-r * r);
}

/* tcorr: the plug-in; fail_above: fail with MIB_EDIVERGED when n is larger;
 * tag: does nothing (two specs of one estimator must see the same data);
 * memory: bytes the memory hook claims. */
enum { E_FAIL, E_TAG, E_MEM };
static const mib_param_spec te_params[] = {
    {.name = "fail_above", .kind = MIB_PARAM_INT, .def = "1000000", .min = 0, .max = 1e9,
     .help = "fail above this n"},
    {.name = "tag", .kind = MIB_PARAM_INT, .def = "0", .min = 0, .max = 9, .help = "inert"},
    {.name = "memory", .kind = MIB_PARAM_REAL, .def = "0", .min = 0, .max = 1e30,
     .help = "bytes claimed"},
    {.name = NULL},
};
static int te_estimate(const mib_data *d, const mib_spec *spec, const mib_workspace *ws,
                       mib_result *res, mib_err *err)
{
    if ((double)d->n > spec->v[E_FAIL].num)
        return mib_fail(err, MIB_EDIVERGED, "toy divergence at n=%zu", d->n);
    res->mi = corr_mi(d->x, d->y, d->n);
    return MIB_OK;
}
static double te_memory(const mib_spec *spec, size_t n, size_t dx, size_t dy)
{
    return spec->v[E_MEM].num;
}
static const mib_estimator_type tcorr = {
    .info = {"tcorr", "toy plug-in", te_params}, .estimate = te_estimate, .memory = te_memory};
/* the same, declared discrete-only: never paired with tgauss */
static const mib_estimator_type tdisc = {
    .info = {"tdisc", "toy discrete", te_params}, .flags = MIB_EST_DISCRETE,
    .estimate = te_estimate};

/* tonline: trains `steps` steps on fresh batches, reporting the running
 * plug-in estimate as a curve, then estimates on d->n fresh rows. */
enum { O_ONLINE, O_BATCH, O_STEPS };
static const mib_param_spec to_params[] = {
    {.name = "online", .kind = MIB_PARAM_INT, .def = "1", .min = 0, .max = 1, .help = "mode"},
    {.name = "batch", .kind = MIB_PARAM_INT, .def = "16", .min = 2, .max = 1024, .help = "B"},
    {.name = "steps", .kind = MIB_PARAM_INT, .def = "5", .min = 1, .max = 100, .help = "T"},
    {.name = NULL},
};
static int to_estimate(const mib_data *d, const mib_spec *spec, const mib_workspace *ws,
                       mib_result *res, mib_err *err)
{
    if (!ws->sampler) {
        res->mi = corr_mi(d->x, d->y, d->n);
        return MIB_OK;
    }
    size_t b = (size_t)spec->v[O_BATCH].num, m = b > d->n ? b : d->n;
    double *x = malloc(m * sizeof *x), *y = malloc(m * sizeof *y), truth;
    for (size_t s = 0; s < (size_t)spec->v[O_STEPS].num; s++) {
        ws->sampler->draw(ws->sampler->ctx, s, b, x, y, &truth);
        if (ws->curve.point)
            ws->curve.point(ws->curve.ctx, s, corr_mi(x, y, b), truth);
    }
    ws->sampler->draw(ws->sampler->ctx, 1000, d->n, x, y, &truth);
    res->mi = corr_mi(x, y, d->n);
    free(x);
    free(y);
    return MIB_OK;
}
static size_t to_batch(const mib_spec *spec) { return (size_t)spec->v[O_BATCH].num; }
static int to_online(const mib_spec *spec) { return spec->v[O_ONLINE].num != 0; }
static const mib_estimator_type tonline = {
    .info = {"tonline", "toy online", to_params}, .flags = MIB_EST_ONLINE,
    .estimate = to_estimate, .batch_size = to_batch, .online = to_online};

/* The toys' own registries: the harness takes any registry of the right kind. */
static const mib_type_info *const toy_gen_types[] = {&tgauss.info, NULL};
static const mib_type_info *const toy_est_types[] = {&tcorr.info, &tdisc.info, &tonline.info,
                                                      NULL};
static const mib_registry toy_gens = {
    .kind = MIB_REGISTRY_GENERATOR, .what = "generator", .types = toy_gen_types};
static const mib_registry toy_ests = {
    .kind = MIB_REGISTRY_ESTIMATOR, .what = "estimator", .types = toy_est_types};

/* ---- helpers ---- */

static char dir[64], out[128];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/mib_test_runner_%d", (int)getpid());
    snprintf(out, sizeof out, "%s/out.h5", dir);
    cr_assert_eq(mkdir(dir, 0755), 0);
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

static void add(mib_spec **list, size_t *count, const mib_type_info *info, const char *params)
{
    mib_spec *specs;
    size_t n;
    mib_err err = {""};
    const mib_registry *reg = info == &tgauss.info ? &toy_gens : &toy_ests;
    cr_assert_eq(mib_spec_expand(reg, info, params, &specs, &n, &err), MIB_OK, "%s", err.msg);
    *list = realloc(*list, (*count + n) * sizeof **list);
    memcpy(*list + *count, specs, n * sizeof *specs);
    *count += n;
    free(specs);
}

/* tgauss rho 0|0.6 x {tcorr tag 1|2, tcorr failing above 60} x n 40, 80; 3 replicates. */
static void toy_study(mib_study *s)
{
    mib_study_init(s);
    snprintf(s->name, sizeof s->name, "toy");
    s->seed = 7;
    s->replicates = 3;
    add(&s->gens, &s->ngens, &tgauss.info, "rho=0|0.6");
    add(&s->ests, &s->nests, &tcorr.info, "tag=1|2");
    add(&s->ests, &s->nests, &tcorr.info, "fail_above=60");
    s->n = malloc(2 * sizeof *s->n);
    s->n[0] = 40;
    s->n[1] = 80;
    s->nn = 2;
}

static int run(const mib_study *s, const char *path, int threads, int resume, int force,
               volatile sig_atomic_t *stop, void (*progress)(void *, const mib_run_progress *),
               mib_run_report *rep, mib_err *err)
{
    mib_run_options o;
    mib_run_options_init(&o);
    o.output = path;
    o.threads = threads;
    o.resume = resume;
    o.force = force;
    o.stop = stop;
    o.progress = progress;
    o.progress_ctx = (void *)stop;
    o.command_line = "test";
    return mib_run(s, &o, rep, err);
}

static const mib_trial_row *find(const mib_results *r, int64_t cell, int32_t rep, int *count)
{
    const mib_trial_row *hit = NULL;
    *count = 0;
    for (size_t i = 0; i < r->ntrials; i++)
        if (r->trials[i].cell == cell && r->trials[i].replicate == rep) {
            hit = &r->trials[i];
            (*count)++;
        }
    return hit;
}

static int same(double a, double b)
{
    return a == b || (isnan(a) && isnan(b));
}

/* Every (cell, replicate) exactly once in b, with a's values. */
static void assert_same_trials(const mib_results *a, const mib_results *b, int reps)
{
    cr_assert_eq(a->ncells, b->ncells);
    cr_assert_eq(b->ntrials, b->ncells * (size_t)reps);
    for (size_t c = 0; c < a->ncells; c++)
        for (int32_t r = 0; r < reps; r++) {
            int na, nb;
            const mib_trial_row *x = find(a, (int64_t)c, r, &na), *y = find(b, (int64_t)c, r, &nb);
            cr_assert(na == 1 && nb == 1, "cell %zu rep %d: %d and %d rows", c, r, na, nb);
            cr_assert(same(x->estimate, y->estimate), "cell %zu rep %d: %.17g vs %.17g", c, r,
                      x->estimate, y->estimate);
            cr_assert_eq(x->seed, y->seed);
            cr_assert_eq(x->status, y->status);
        }
    for (size_t c = 0; c < a->ncells; c++) {
        const mib_summary_row *x = &a->summary[c], *y = &b->summary[c];
        cr_assert(same(x->mean, y->mean) && same(x->variance, y->variance) &&
                  same(x->mse, y->mse) && x->count == y->count && x->failures == y->failures,
                  "summary of cell %zu differs", c);
    }
}

static void read_ok(const char *path, mib_results *r)
{
    mib_err err = {""};
    cr_assert_eq(mib_results_read(path, r, &err), MIB_OK, "%s", err.msg);
}

static int exists(const char *suffix)
{
    char p[200];
    snprintf(p, sizeof p, "%s%s", out, suffix);
    return access(p, F_OK) == 0;
}

/* ---- summary arithmetic ---- */

static mib_trial_stat trow(int32_t rep, double est, double secs, int status)
{
    return (mib_trial_stat){.replicate = rep, .estimate = est, .seconds = secs,
                            .status = status};
}

Test(summary, hand_values)
{
    mib_cell_row cell = {.cell = 4, .generator = "g", .estimator = "e", .n = 10,
                         .batch_size = 0, .true_mi = 0.25};
    mib_trial_stat t[6] = {trow(2, 0.2, 2.0, 0), trow(0, 0.1, 1.0, 0), trow(3, NAN, 9.0, 5),
                           trow(1, 0.3, 4.0, 0), trow(-1, 99, 99, 0), trow(5, 0.4, 3.0, 0)};
    /* t[4] is an empty slot (replicate -1): ignored */
    mib_summary_row s;
    cr_assert_eq(mib_summary_compute(&cell, t, 6, &s), MIB_OK);
    cr_assert_eq(s.cell, 4);
    cr_assert_str_eq(s.estimator, "e");
    cr_assert_eq(s.count, 4);
    cr_assert_eq(s.failures, 1);
    /* estimates 0.1 0.3 0.2 0.4: mean 0.25, deviations -.15 .05 -.05 .15 */
    cr_assert_float_eq(s.mean, 0.25, 1e-15);
    cr_assert_float_eq(s.bias, 0.0, 1e-15);
    cr_assert_float_eq(s.variance, 0.05 / 3.0, 1e-15);
    cr_assert_float_eq(s.std_error, sqrt(0.05 / 3.0 / 4.0), 1e-15);
    cr_assert_float_eq(s.mse, 0.05 / 4.0, 1e-15);
    cr_assert_float_eq(s.rmse, sqrt(0.05 / 4.0), 1e-15);
    cr_assert_float_eq(s.mean_seconds, 2.5, 1e-15);
    cr_assert_float_eq(s.median_seconds, 2.5, 1e-15); /* of 1 2 3 4 */
    /* the same trials in another order give bit-identical statistics */
    mib_trial_stat u[6] = {t[5], t[3], t[2], t[1], t[4], t[0]};
    mib_summary_row s2;
    mib_summary_compute(&cell, u, 6, &s2);
    cr_assert(s2.mean == s.mean && s2.variance == s.variance && s2.mse == s.mse);
    /* one success: no variance; none: NaN everywhere */
    cell.true_mi = 0.0;
    mib_summary_compute(&cell, t, 1, &s);
    cr_assert_eq(s.count, 1);
    cr_assert_float_eq(s.mse, 0.04, 1e-15);
    cr_assert_float_eq(s.median_seconds, 2.0, 1e-15);
    cr_assert(isnan(s.variance) && isnan(s.std_error));
    mib_summary_compute(&cell, t + 2, 1, &s);
    cr_assert(s.count == 0 && s.failures == 1 && isnan(s.mean) && isnan(s.median_seconds));
}

/* ---- the sweep ---- */

TestSuite(runner, .init = setup, .fini = teardown, .timeout = 60);

Test(runner, cells_seeds_failures_and_shared_samples)
{
    mib_study s;
    mib_run_report rep;
    mib_err err = {""};
    mib_results r;
    toy_study(&s);
    cr_assert_eq(run(&s, out, 1, 0, 0, NULL, NULL, &rep, &err), MIB_OK, "%s", err.msg);
    cr_assert_eq(rep.cells, 12);
    cr_assert_eq(rep.trials, 36);
    cr_assert_eq(rep.ran, 36);
    cr_assert_eq(rep.failed, 6); /* fail_above=60 at n=80: 2 generators x 3 reps */
    cr_assert(!exists(".journal") && !exists(".lock"), "journal and lock removed when done");
    read_ok(out, &r);
    cr_assert_str_eq(r.study_name, "toy");
    cr_assert_eq(r.master_seed, 7);
    cr_assert_eq(r.ncells, 12);
    /* cells: generators x estimators x sizes, canonical texts */
    cr_assert_str_eq(r.cells[0].generator, "tgauss:rho=0");
    cr_assert_str_eq(r.cells[0].estimator, "tcorr:fail_above=1000000,tag=1,memory=0");
    cr_assert_eq(r.cells[1].n, 80);
    cr_assert_str_eq(r.cells[6].generator, "tgauss:rho=0.6");
    cr_assert_float_eq(r.cells[6].true_mi, -0.5 * log(1 - 0.36), 1e-15);
    /* seeds as they were before view parameters existed (the generator's
     * canonical text, n and replicate; computed then), so older files resume */
    int hits;
    cr_assert_eq(find(&r, 0, 0, &hits)->seed, 14793192281408094371u); /* rho=0, n=40 */
    cr_assert_eq(find(&r, 7, 2, &hits)->seed, 3573716458730067598u);  /* rho=0.6, n=80 */
    for (size_t i = 0; i < r.ntrials; i++) {
        const mib_trial_row *t = &r.trials[i];
        const mib_cell_row *c = &r.cells[t->cell];
        cr_assert_eq(t->seed, mib_run_trial_seed(7, c->generator, c->n, t->replicate));
        cr_assert(t->seconds >= 0 && t->cpu_seconds >= 0);
        if (strstr(c->estimator, "fail_above=60") && c->n == 80) {
            cr_assert_eq(t->status, MIB_EDIVERGED);
            cr_assert_str_eq(t->status_name, "diverged");
            cr_assert_str_eq(t->message, "toy divergence at n=80");
            cr_assert(isnan(t->estimate));
        } else {
            cr_assert_eq(t->status, MIB_OK);
            cr_assert(isfinite(t->estimate));
        }
    }
    /* tag=1 and tag=2 (cells c and c+2) saw the same samples */
    for (int64_t c = 0; c < 12; c += 6)
        for (int32_t k = 0; k < 3; k++) {
            int n1, n2;
            cr_assert_eq(find(&r, c, k, &n1)->estimate, find(&r, c + 2, k, &n2)->estimate);
        }
    /* the stored summary is the summary of the stored trials */
    mib_trial_stat *stats = malloc(r.ntrials * sizeof *stats);
    for (size_t c = 0; c < r.ncells; c++) {
        mib_summary_row want;
        size_t k = 0;
        for (size_t i = 0; i < r.ntrials; i++)
            if (r.trials[i].cell == (int64_t)c)
                stats[k++] = mib_trial_stat_of(&r.trials[i]);
        mib_summary_compute(&r.cells[c], stats, k, &want);
        cr_assert(same(r.summary[c].mean, want.mean) && r.summary[c].count == want.count &&
                  r.summary[c].failures == want.failures);
    }
    free(stats);
    cr_assert_eq(r.summary[5].count, 0);
    cr_assert_eq(r.summary[5].failures, 3);
    mib_results_free(&r);
    mib_study_free(&s);
}

/* Views of one draw (chain's view parameter, MIB_PARAM_VIEW) share each
 * replicate's seed, the seed of the spec without its view; a generator
 * without views keeps the seed it had before views existed (values
 * computed then); resuming the finished file keeps every trial. */
Test(runner, views_of_one_draw_share_its_seed)
{
    mib_study s;
    mib_err err = {""};
    mib_run_report rep;
    mib_results r;
    mib_study_init(&s);
    cr_assert_eq(mib_study_parse("[study]\nseed = 1\nreplicates = 5\nn = 100, 300\n"
                                 "[generators]\ngen = chain:view=xy|xz|xz_y\ngen = gaussian\n"
                                 "[estimators]\nest = gaussian\n", "views.ini", &s, &err),
                 MIB_OK, "%s", err.msg);
    cr_assert_eq(run(&s, out, 2, 0, 0, NULL, NULL, &rep, &err), MIB_OK, "%s", err.msg);
    cr_assert_eq(rep.trials, 4 * 2 * 5);
    read_ok(out, &r);
    size_t chains = 0;
    for (size_t i = 0; i < r.ntrials; i++) {
        const mib_trial_row *t = &r.trials[i];
        if (strncmp(t->generator, "chain:", 6) == 0) {
            chains++;
            cr_expect_eq(t->seed, mib_run_trial_seed(1, "chain:dim=1,rho_xy=0.9,rho_yz=0.9", t->n,
                                                     t->replicate), "%s", t->generator);
            continue;
        }
        cr_assert_str_eq(t->generator, "gaussian:dim=1,rho=0.5,transform=none");
        cr_expect_eq(t->seed, mib_run_trial_seed(1, t->generator, t->n, t->replicate));
        if (t->n == 100 && t->replicate == 0)
            cr_expect_eq(t->seed, 218021595369299862u);
        if (t->n == 300 && t->replicate == 4)
            cr_expect_eq(t->seed, 7589843152372465447u);
    }
    cr_expect_eq(chains, 3 * 2 * 5);
    mib_results_free(&r);
    cr_assert_eq(run(&s, out, 1, 1, 0, NULL, NULL, &rep, &err), MIB_OK, "%s", err.msg);
    cr_expect(rep.kept == 40 && rep.ran == 0, "kept %zu ran %zu", rep.kept, rep.ran);
    mib_study_free(&s);
}

Test(runner, thread_count_does_not_change_results)
{
    mib_study s;
    mib_err err = {""};
    mib_results a, b;
    char out2[160];
    snprintf(out2, sizeof out2, "%s/two.h5", dir);
    toy_study(&s);
    cr_assert_eq(run(&s, out, 1, 0, 0, NULL, NULL, NULL, &err), MIB_OK, "%s", err.msg);
    cr_assert_eq(run(&s, out2, 2, 0, 0, NULL, NULL, NULL, &err), MIB_OK, "%s", err.msg);
    read_ok(out, &a);
    read_ok(out2, &b);
    assert_same_trials(&a, &b, 3);
    mib_results_free(&a);
    mib_results_free(&b);
    mib_study_free(&s);
}

/* opt->serve as a remote process would do it, in this process: tasks run by
 * a worker of the same study, rows sent back through the queue; also
 * checks that a second copy of a row and a forged row are refused. */
typedef struct serve_test {
    const mib_study *study;
    size_t served, refused;
} serve_test;

static void serve_by_worker(void *ctx, mib_run_queue *q)
{
    serve_test *t = ctx;
    mib_run_options o;
    mib_run_worker *w;
    mib_err err = {""};
    mib_run_options_init(&o);
    cr_assert_eq(mib_run_worker_open(t->study, &o, &w, &err), MIB_OK, "%s", err.msg);
    int64_t cell;
    int32_t rep;
    while (mib_run_queue_next(q, &cell, &rep)) {
        mib_trial_row row;
        mib_curve_row *curves;
        size_t nc;
        cr_assert_eq(mib_run_worker_trial(w, cell, rep, &row, &curves, &nc), 1);
        cr_assert_eq(mib_run_queue_record(q, &row, curves, nc, &err), MIB_OK, "%s", err.msg);
        t->served++;
        t->refused += mib_run_queue_record(q, &row, curves, nc, &err) == MIB_EINVAL;
        row.replicate = 99;
        t->refused += mib_run_queue_record(q, &row, NULL, 0, &err) == MIB_EINVAL;
        free(curves);
    }
    mib_run_worker_close(w);
}

Test(runner, trials_served_elsewhere_equal_local_ones)
{
    mib_study s;
    mib_err err = {""};
    mib_results a, b;
    char out2[160];
    snprintf(out2, sizeof out2, "%s/served.h5", dir);
    toy_study(&s);
    add(&s.ests, &s.nests, &tonline.info, "steps=4,batch=8");
    s.replicates = 20;
    cr_assert_eq(run(&s, out, 1, 0, 0, NULL, NULL, NULL, &err), MIB_OK, "%s", err.msg);
    read_ok(out, &a);
    /* threads = 0: every trial goes through the queue; 1: shared with the
     * sweep's own thread (how many each takes is a race, the results are not) */
    for (int threads = 0; threads <= 1; threads++) {
        serve_test t = {.study = &s};
        mib_run_options o;
        mib_run_options_init(&o);
        o.output = out2;
        o.force = 1;
        o.threads = threads;
        o.serve = serve_by_worker;
        o.serve_ctx = &t;
        cr_assert_eq(mib_run(&s, &o, NULL, &err), MIB_OK, "%s", err.msg);
        if (threads == 0)
            cr_assert_eq(t.served, 2 * 4 * 2 * 20);
        cr_assert_eq(t.refused, 2 * t.served);
        read_ok(out2, &b);
        assert_same_trials(&a, &b, 20);
        cr_assert_eq(a.ncurves, b.ncurves);
        cr_assert_eq(a.ncurves, 2 * 2 * 20 * 4);
        mib_results_free(&b);
    }
    mib_results_free(&a);
    mib_study_free(&s);
}

/* Progress callback: on one thread the trials come largest expected cost
 * first, and the costs add up to the total. */
typedef struct cost_trace {
    double last, sum, total, eta;
    size_t calls, out_of_order, no_eta;
} cost_trace;

static void trace_costs(void *ctx, const mib_run_progress *p)
{
    cost_trace *t = ctx;
    double c = p->done_cost - t->sum;
    t->out_of_order += t->calls && c > t->last * (1 + 1e-12);
    t->last = c;
    t->sum = p->done_cost;
    t->total = p->total_cost;
    t->eta = p->eta;
    t->no_eta += !(p->eta >= 0);
    t->calls++;
}

Test(runner, trials_run_largest_expected_cost_first)
{
    mib_study s;
    mib_err err = {""};
    toy_study(&s);   /* tcorr has no cost hook: the default 1e-8 n (dx + dy) */
    cost_trace t = {0};
    mib_run_options o;
    mib_run_options_init(&o);
    o.output = out;
    o.progress = trace_costs;
    o.progress_ctx = &t;
    cr_assert_eq(mib_run(&s, &o, NULL, &err), MIB_OK, "%s", err.msg);
    cr_assert_eq(t.calls, 36);
    cr_assert_eq(t.out_of_order, 0);
    /* 18 trials at n = 80 and 18 at n = 40, two columns each */
    cr_assert_float_eq(t.total, 1e-8 * 2 * (18 * 80 + 18 * 40), 1e-18);
    cr_assert_float_eq(t.sum, t.total, 1e-18);
    /* an ETA from the first timed trial on, and nothing left at the end */
    cr_assert_leq(t.no_eta, 1);
    cr_assert_eq(t.eta, 0);
    mib_study_free(&s);
}

/* Progress callback that raises a stop after 5 recorded trials. */
static void stop_after_5(void *ctx, const mib_run_progress *p)
{
    cr_assert(p->done <= p->total && p->generator && p->estimator && p->n > 0);
    if (p->done == 5)
        *(volatile sig_atomic_t *)ctx = SIGTERM;
}

Test(runner, interrupted_then_resumed_equals_uninterrupted)
{
    mib_study s;
    mib_err err = {""};
    mib_run_report rep;
    mib_results a, b;
    char ref[160];
    volatile sig_atomic_t stop = 0;
    snprintf(ref, sizeof ref, "%s/ref.h5", dir);
    toy_study(&s);
    cr_assert_eq(run(&s, ref, 1, 0, 0, NULL, NULL, NULL, &err), MIB_OK, "%s", err.msg);
    cr_assert_eq(run(&s, out, 2, 0, 0, &stop, stop_after_5, &rep, &err), MIB_EINTR);
    cr_assert(rep.ran >= 5 && rep.ran < 36, "ran %zu", rep.ran);
    cr_assert(exists(".journal"), "the journal stays after an interruption");
    read_ok(out, &b);
    cr_assert_eq(b.ntrials, rep.ran);
    mib_results_free(&b);
    /* without --resume or --force the partial file is refused */
    cr_assert_eq(run(&s, out, 1, 0, 0, NULL, NULL, NULL, &err), MIB_EEXIST);
    cr_assert(strstr(err.msg, out), "%s", err.msg);
    size_t first = rep.ran;
    cr_assert_eq(run(&s, out, 2, 1, 0, NULL, NULL, &rep, &err), MIB_OK, "%s", err.msg);
    cr_assert_eq(rep.kept, first);
    cr_assert_eq(rep.ran, 36 - first);
    cr_assert_eq(rep.rebuilt, 0);
    read_ok(ref, &a);
    read_ok(out, &b);
    assert_same_trials(&a, &b, 3);
    mib_results_free(&b);
    /* resuming a complete file runs nothing and keeps everything */
    cr_assert_eq(run(&s, out, 1, 1, 0, NULL, NULL, &rep, &err), MIB_OK, "%s", err.msg);
    cr_assert(rep.kept == 36 && rep.ran == 0);
    /* more replicates on resume: only the new ones run */
    s.replicates = 4;
    cr_assert_eq(run(&s, out, 1, 1, 0, NULL, NULL, &rep, &err), MIB_OK, "%s", err.msg);
    cr_assert(rep.kept == 36 && rep.ran == 12, "kept %zu ran %zu", rep.kept, rep.ran);
    read_ok(out, &b);
    cr_assert_eq(b.ntrials, 48);
    mib_results_free(&a);
    mib_results_free(&b);
    mib_study_free(&s);
}

Test(runner, damaged_file_is_rebuilt_from_the_journal)
{
    mib_study s;
    mib_err err = {""};
    mib_run_report rep;
    mib_results a, b;
    char ref[160], cmd[800];
    volatile sig_atomic_t stop = 0;
    snprintf(ref, sizeof ref, "%s/ref.h5", dir);
    toy_study(&s);
    cr_assert_eq(run(&s, ref, 1, 0, 0, NULL, NULL, NULL, &err), MIB_OK, "%s", err.msg);
    cr_assert_eq(run(&s, out, 1, 0, 0, &stop, stop_after_5, &rep, &err), MIB_EINTR);
    cr_assert_eq(rep.ran, 5);
    /* wreck the HDF5 file; tear the journal's last line */
    snprintf(cmd, sizeof cmd, "head -c 3000 %s > %s.x && mv %s.x %s && printf 'trial\\t1\\t2' >> %s.journal",
             out, out, out, out, out);
    cr_assert_eq(system(cmd), 0);
    cr_assert_eq(mib_results_read(out, &b, &err), MIB_EIO);
    cr_assert_eq(run(&s, out, 2, 1, 0, NULL, NULL, &rep, &err), MIB_OK, "%s", err.msg);
    cr_assert_eq(rep.rebuilt, 1);
    cr_assert_eq(rep.kept, 5);
    read_ok(ref, &a);
    read_ok(out, &b);
    assert_same_trials(&a, &b, 3);
    mib_results_free(&a);
    mib_results_free(&b);
    mib_study_free(&s);
}

/* Change one digit of the first trial's estimate in the journal; with
 * forge, give the line a matching CRC-32 too (as a buggy writer would). */
static void edit_journal(const char *path, int forge)
{
    FILE *f = fopen(path, "r+");
    cr_assert_not_null(f);
    static char text[1 << 20];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    char *line = strstr(text, "\ntrial\t") + 1, *field = line;
    for (int k = 0; k < 4; k++) /* trial CELL REPLICATE SEED -> ESTIMATE */
        field = strchr(field, '\t') + 1;
    char *digit = strpbrk(field + 3, "0123456789");
    *digit = *digit == '9' ? '8' : (char)(*digit + 1);
    if (forge) {
        *strchr(line, '\n') = '\0'; /* for strrchr; put back below */
        size_t body = (size_t)(strrchr(line, '\t') - line);
        line[strlen(line)] = '\n';
        char crc[9];
        snprintf(crc, sizeof crc, "%08lx", crc32(0L, (const Bytef *)line, (uInt)body));
        memcpy(line + body + 1, crc, 8);
    }
    rewind(f);
    cr_assert_eq(fwrite(text, 1, n, f), n);
    fclose(f);
}

/* A journal line that was edited fails its checksum: it is skipped and
 * counted, and the intact HDF5 row is what the resumed file keeps. One
 * that agrees with its checksum but not with the HDF5 row is a conflict:
 * resume refuses to choose. */
Test(runner, journal_records_are_checked_never_silently_applied)
{
    mib_study s;
    mib_err err = {""};
    mib_run_report rep;
    mib_results a, b;
    char ref[160], journal[200];
    volatile sig_atomic_t stop = 0;
    snprintf(ref, sizeof ref, "%s/ref.h5", dir);
    snprintf(journal, sizeof journal, "%s.journal", out);
    toy_study(&s);
    cr_assert_eq(run(&s, ref, 1, 0, 0, NULL, NULL, NULL, &err), MIB_OK, "%s", err.msg);
    cr_assert_eq(run(&s, out, 1, 0, 0, &stop, stop_after_5, &rep, &err), MIB_EINTR);
    edit_journal(journal, 0);
    cr_assert_eq(run(&s, out, 2, 1, 0, NULL, NULL, &rep, &err), MIB_OK, "%s", err.msg);
    cr_expect_eq(rep.journal_damaged, 1);
    cr_expect_eq(rep.kept, 5); /* the edited trial came from the HDF5 file */
    read_ok(ref, &a);
    read_ok(out, &b);
    assert_same_trials(&a, &b, 3);
    mib_results_free(&b);

    stop = 0;
    cr_assert_eq(run(&s, out, 1, 0, 1, &stop, stop_after_5, &rep, &err), MIB_EINTR);
    edit_journal(journal, 1);
    cr_assert_eq(run(&s, out, 2, 1, 0, NULL, NULL, &rep, &err), MIB_EFORMAT);
    cr_expect(strstr(err.msg, "disagree on cell"), "%s", err.msg);
    /* refusing changed nothing: the file still reads and holds 5 trials */
    read_ok(out, &b);
    cr_expect_eq(b.ntrials, 5);
    mib_results_free(&a);
    mib_results_free(&b);
    mib_study_free(&s);
}

Test(runner, refusals)
{
    mib_study s;
    mib_err err = {""};
    mib_run_report rep;
    volatile sig_atomic_t stop = 0;
    toy_study(&s);
    cr_assert_eq(run(&s, out, 1, 0, 0, &stop, stop_after_5, NULL, &err), MIB_EINTR);
    /* a second writer */
    char lock[200];
    snprintf(lock, sizeof lock, "%s.lock", out);
    int fd = open(lock, O_RDWR | O_CREAT, 0644);
    cr_assert(fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0);
    cr_assert_eq(run(&s, out, 1, 1, 0, NULL, NULL, NULL, &err), MIB_ELOCKED);
    cr_assert(strstr(err.msg, "another mibench run"), "%s", err.msg);
    close(fd);
    /* a different study: other seed, other sizes */
    s.seed = 8;
    cr_assert_eq(run(&s, out, 1, 1, 0, NULL, NULL, NULL, &err), MIB_EFORMAT);
    cr_assert(strstr(err.msg, "seed 7"), "%s", err.msg);
    s.seed = 7;
    s.n[1] = 81;
    cr_assert_eq(run(&s, out, 1, 1, 0, NULL, NULL, NULL, &err), MIB_EFORMAT);
    cr_assert(strstr(err.msg, "different study"), "%s", err.msg);
    /* --force starts over */
    cr_assert_eq(run(&s, out, 1, 0, 1, NULL, NULL, &rep, &err), MIB_OK, "%s", err.msg);
    cr_assert(rep.kept == 0 && rep.ran == 36);
    /* a missing directory is an I/O error naming the path */
    cr_assert_eq(run(&s, "/nonexistent/dir/x.h5", 1, 0, 0, NULL, NULL, NULL, &err), MIB_EIO);
    mib_study_free(&s);
}

Test(runner, memory_limit_limits_and_online_curves)
{
    mib_study s;
    mib_err err = {""};
    mib_results r;
    mib_study_init(&s);
    s.replicates = 2;
    add(&s.gens, &s.ngens, &tgauss.info, "rho=0.8");
    add(&s.ests, &s.nests, &tcorr.info, "memory=1e18");
    add(&s.ests, &s.nests, &tonline.info, "steps=4,batch=8|32");
    add(&s.ests, &s.nests, &tonline.info, "online=0");
    add(&s.ests, &s.nests, &tdisc.info, NULL);
    s.n = malloc(2 * sizeof *s.n);
    s.n[0] = 50;
    s.n[1] = 5000;
    s.nn = 2;
    s.limits = calloc(1, sizeof *s.limits);
    snprintf(s.limits[0].estimator, sizeof s.limits[0].estimator, "tonline");
    s.limits[0].max_n = 100;
    s.nlimits = 1;
    cr_assert_eq(run(&s, out, 2, 0, 0, NULL, NULL, NULL, &err), MIB_OK, "%s", err.msg);
    read_ok(out, &r);
    /* tcorr x 2 sizes, tonline x 2 batches x 1 size, tonline offline x 1 size;
     * tdisc (discrete-only) has no cell with the continuous tgauss */
    cr_assert_eq(r.ncells, 5);
    cr_assert_eq(r.cells[2].batch_size, 8);
    cr_assert_eq(r.cells[3].batch_size, 32);
    cr_assert_eq(r.cells[4].batch_size, 16);
    cr_assert_eq(r.cells[0].batch_size, 0);
    for (size_t i = 0; i < r.ntrials; i++)
        if (r.trials[i].cell < 2) {
            cr_assert_eq(r.trials[i].status, MIB_ERESOURCE);
            cr_assert(strstr(r.trials[i].message, "MiB"), "%s", r.trials[i].message);
        } else {
            cr_assert_eq(r.trials[i].status, MIB_OK, "%s", r.trials[i].message);
        }
    /* online cells 2, 3: 4 points per trial, truth of the generator */
    cr_assert_eq(r.ncurves, 2 * 2 * 4);
    for (size_t i = 0; i < r.ncurves; i++) {
        cr_assert(r.curves[i].cell == 2 || r.curves[i].cell == 3);
        cr_assert(r.curves[i].step >= 0 && r.curves[i].step < 4);
        cr_assert_float_eq(r.curves[i].true_mi, -0.5 * log(1 - 0.64), 1e-15);
    }
    mib_results_free(&r);
    mib_study_free(&s);
}

/* ---- study files ---- */

static void bad_study(const char *text, int status, const char *want)
{
    mib_study s;
    mib_err err = {""};
    mib_study_init(&s);
    cr_assert_eq(mib_study_parse(text, "x.ini", &s, &err), status, "%s", err.msg);
    cr_assert(strstr(err.msg, want), "message '%s' lacks '%s'", err.msg, want);
    cr_assert_null(s.gens);
}

Test(study, malformed_files_name_the_line)
{
    bad_study("[study]\nname = a\nthis line has no equals\n", MIB_ESPEC,
              "x.ini:3: expected 'key = value'");
    bad_study("[study]\nseeed = 3\n", MIB_ESPEC, "x.ini:2: unknown key 'seeed' in [study]");
    bad_study("; c\n[study]\nn = 100, ten\n", MIB_ESPEC, "x.ini:3: sample size 'ten'");
    bad_study("[study]\nn = 1\n", MIB_ESPEC, "x.ini:2: sample size '1' is not allowed");
    bad_study("[study]\nreplicates = 0\n", MIB_ESPEC, "x.ini:2: replicates '0'");
    bad_study("[study]\nseed = -1\n", MIB_ESPEC, "x.ini:2: seed '-1'");
    bad_study("[study]\nname = a b\n", MIB_ESPEC, "x.ini:2: name 'a b'");
    bad_study("[studies]\nn = 5\n", MIB_ESPEC, "x.ini:2: unknown section [studies]");
    bad_study("n = 5\n", MIB_ESPEC, "x.ini:1: 'n' comes before any [section]");
    bad_study("[study]\nn = 5\n[generators]\n\ngen = nosuchgen:a=1\n", MIB_ESPEC,
              "x.ini:5: unknown generator 'nosuchgen'");
    bad_study("[estimators]\nestimator = ksg1\n", MIB_ESPEC,
              "x.ini:2: unknown key 'estimator' in [estimators]");
    bad_study("[limits]\nnosuchest = 100\n", MIB_ESPEC,
              "x.ini:2: limit for unknown estimator 'nosuchest'");
    bad_study("[study\n", MIB_ESPEC, "x.ini:1:");
    char longline[400];
    snprintf(longline, sizeof longline, "[study]\nname = %0300d\n", 0);
    bad_study(longline, MIB_ESPEC, "x.ini:2: line longer than 199 characters");
    /* the first error wins even when a later line is bad too */
    bad_study("[study]\nbad\nseeed = 1\n", MIB_ESPEC, "x.ini:2:");
    bad_study("[study]\nseeed = 1\nbad\n", MIB_ESPEC, "x.ini:2: unknown key");
    bad_study("[study]\nname = a ; comment\nn = 100\n", MIB_EINVAL,
              "x.ini: the study names no generator");
}

/* Each generator is built once, when its line is read (that is when a
 * Monte-Carlo truth is computed), and the run samples from that build; a
 * line that fails to build adds nothing. */
Test(study, generators_are_built_once, .init = setup, .fini = teardown)
{
    mib_study s;
    mib_err err = {""};
    mib_run_report rep;
    mib_study_init(&s);
    cr_assert_eq(mib_registry_create(MIB_REGISTRY_GENERATOR, "generator", &toy_gens,
                                     &s.generators, &err), MIB_OK);
    cr_assert_eq(mib_registry_create(MIB_REGISTRY_ESTIMATOR, "estimator", &toy_ests,
                                     &s.estimators, &err), MIB_OK);
    tg_builds = 0;
    cr_assert_eq(mib_study_add_generator(&s, "tgauss:rho=0.3|0.6|0.3", &err), MIB_OK, "%s",
                 err.msg);
    cr_assert(s.ngens == 2 && s.nbuilt == 2 && tg_builds == 2, "%zu %zu %d", s.ngens, s.nbuilt,
              tg_builds);
    cr_assert_eq(mib_study_add_generator(&s, "tgauss:rho=0.9|0.25", &err), MIB_ESPEC);
    cr_assert(strstr(err.msg, "rho 0.25 is refused"), "%s", err.msg);
    cr_assert(s.ngens == 2 && s.nbuilt == 2, "%zu %zu", s.ngens, s.nbuilt);
    cr_assert_eq(mib_study_add_estimator(&s, "tcorr", &err), MIB_OK, "%s", err.msg);
    cr_assert_eq(mib_study_add_sizes(&s, "40", &err), MIB_OK, "%s", err.msg);
    s.replicates = 2;
    tg_builds = 0;
    cr_assert_eq(run(&s, out, 2, 0, 0, NULL, NULL, &rep, &err), MIB_OK, "%s", err.msg);
    cr_assert(rep.ran == 4 && rep.failed == 0, "%zu %zu", rep.ran, rep.failed);
    cr_assert_eq(tg_builds, 0);
    mib_study_free(&s);
}

Test(study, sizes_and_defaults)
{
    mib_study s;
    mib_err err = {""};
    mib_study_init(&s);
    cr_assert_eq(s.seed, 1);
    cr_assert_eq(s.replicates, 10);
    cr_assert_eq(mib_study_add_sizes(&s, "100, 1e3 ,100 10000", &err), MIB_OK, "%s", err.msg);
    cr_assert_eq(s.nn, 3);
    cr_assert(s.n[0] == 100 && s.n[1] == 1000 && s.n[2] == 10000);
    cr_assert_eq(mib_study_add_sizes(&s, "2.5", &err), MIB_ESPEC);
    cr_assert_eq(mib_study_check(&s, &err), MIB_EINVAL);
    mib_study_free(&s);
    cr_assert_eq(mib_study_load("/nonexistent.ini", &s, &err), MIB_EIO);
    cr_assert(strstr(err.msg, "/nonexistent.ini"), "%s", err.msg);
}
