/* neural.c - the neural variational estimators mine, dv, nwj, infonce, js and
 * smile: a critic (critic.h) trained with Adam on a bound (bounds.h).
 * Dataset mode: rows shuffled (seeded), columns standardised with the
 * training split's mean and sd, split 60/20/20 into train/validation/test;
 * minibatches of B drawn without replacement per epoch; the validation
 * read-out every `every` steps keeps the best weights and stops after
 * `patience` validations without improvement; the estimate is read on the
 * test split with the best weights. Online mode (Poole et al. 2019): a
 * fresh batch from ws->sampler every step, each step's read-out sent to
 * ws->curve, the estimate read on n fresh rows drawn at the last step's law.
 * Cost: steps x (critic step, critic.c) + the held-out passes.
 * Threads: ws->threads go to the critic (separable: the two towers side by
 * side; concat: its blocks of pairs) and to Adam's update; nothing is
 * summed in an order that depends on them, so the estimate is the same bits
 * for any count (tests/test_neural.c, train/threads_give_the_same_bits).
 */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include "mibench/estimator.h"
#include "mibench/rng.h"
#include "estimators/columns.h"
#include "estimators/neural/bounds.h"
#include "estimators/neural/critic.h"
#include "estimators/neural/mlp.h"

#define SPLIT_VAL 0.2      /* fractions of n; the training split gets the rest */
#define SPLIT_TEST 0.2
#define VAL_MAX_BATCHES 64 /* validation reads at most this many batches */
/* InfoNCE counts as capped when the positive pair's mean log-probability
 * among its batch is above ln 0.8: the read-out is within 0.22 nats of
 * ln B and says more about B than about the MI. */
#define NCE_CAP_MARGIN 0.2231435513142098 /* -ln 0.8 */

enum {
    P_CRITIC, P_HIDDEN, P_LAYERS, P_EMBED, P_BATCH, P_STEPS, P_LR, P_EVAL, P_ONLINE,
    P_EVERY, P_PATIENCE, P_NCOMMON
};
enum { P_ALPHA = P_NCOMMON }; /* mine */
enum { P_TAU = P_NCOMMON };   /* smile */

static const char *const critic_words[] = {"separable", "concat", "bilinear", NULL};
static const char *const eval_words[] = {"heldout", NULL};
static const char *const tau_words[] = {"inf", NULL};

#define COMMON_PARAMS                                                                        \
    {.name = "critic", .kind = MIB_PARAM_CHOICE, .def = "separable", .choices = critic_words, \
     .help = "g(x).h(y), an MLP on every pair [x_i, y_j], or x'Wy+c"},                     \
    {.name = "hidden", .kind = MIB_PARAM_INT, .def = "256", .min = 1, .max = 8192,          \
     .help = "units per hidden layer"},                                                     \
    {.name = "layers", .kind = MIB_PARAM_INT, .def = "2", .min = 1, .max = 16,              \
     .help = "hidden layers (ReLU)"},                                                        \
    {.name = "embed", .kind = MIB_PARAM_INT, .def = "32", .min = 1, .max = 8192,            \
     .help = "separable: embedding size of g and h"},                                        \
    {.name = "batch", .kind = MIB_PARAM_INT, .def = "64", .min = 2, .max = 65536,           \
     .help = "batch size B; the B(B-1) off-diagonal pairs are the negatives"},               \
    {.name = "steps", .kind = MIB_PARAM_INT, .def = "5000", .min = 1, .max = 1e9,           \
     .help = "training steps (dataset mode: at most; early stopping may end sooner)"},       \
    {.name = "lr", .kind = MIB_PARAM_REAL, .def = "0.0005", .min = 0, .max = 100,           \
     .flags = MIB_OPEN_MIN, .help = "Adam learning rate"},                                   \
    {.name = "eval", .kind = MIB_PARAM_INT_OR_CHOICE, .def = "heldout", .min = 1,            \
     .max = 1e9, .choices = eval_words,                                                      \
     .help = "estimate: heldout (test split, or n fresh rows online) or K = mean training "  \
             "bound over the last K steps"},                                                 \
    {.name = "online", .kind = MIB_PARAM_INT, .def = "0", .min = 0, .max = 1,               \
     .help = "1: fresh batches from the generator every step; n = held-out rows"},          \
    {.name = "every", .kind = MIB_PARAM_INT, .def = "100", .min = 1, .max = 1e9,            \
     .help = "dataset mode: validate every this many steps"},                                \
    {.name = "patience", .kind = MIB_PARAM_INT, .def = "5", .min = 1, .max = 1e6,           \
     .help = "dataset mode: stop after this many validations without improvement"}

static const mib_param_spec plain_params[] = {COMMON_PARAMS, {.name = NULL}};
static const mib_param_spec mine_params[] = {
    COMMON_PARAMS,
    {.name = "alpha", .kind = MIB_PARAM_REAL, .def = "0.01", .min = 0, .max = 1,
     .flags = MIB_OPEN_MIN, .help = "rate of the moving average of E_q e^T in the gradient"},
    {.name = NULL},
};
static const mib_param_spec smile_params[] = {
    COMMON_PARAMS,
    {.name = "tau", .kind = MIB_PARAM_REAL_OR_CHOICE, .def = "5", .min = 0, .max = 1e300,
     .flags = MIB_OPEN_MIN, .choices = tau_words,
     .help = "clip the marginal term's scores to [-tau, tau]; inf: no clip (DV)"},
    {.name = NULL},
};

static int neural_estimate(const mib_data *data, const mib_spec *spec,
                           const mib_workspace *ws, mib_result *res, mib_err *err);
static double neural_memory(const mib_spec *spec, size_t n, size_t dx, size_t dy);

static size_t neural_batch_size(const mib_spec *spec)
{
    return (size_t)spec->v[P_BATCH].num;
}

static int neural_online(const mib_spec *spec)
{
    return spec->v[P_ONLINE].num != 0;
}

/* Expected seconds (estimator.h): steps x the flops of a step, 6 per
 * weight and row (forward, backward, update), at ~40 GFLOP/s (the sgemm
 * rate bench_neural measures on one core); the concat critic scores all
 * B^2 pairs, the separable one B rows per tower plus the B x B scores. */
static double neural_cost(const mib_spec *spec, size_t n, size_t dx, size_t dy)
{
    double h = spec->v[P_HIDDEN].num, layers = spec->v[P_LAYERS].num;
    double e = spec->v[P_EMBED].num, b = spec->v[P_BATCH].num, steps = spec->v[P_STEPS].num;
#define TOWER(in, out) ((double)(in) * h + (layers - 1) * h * h + h * (double)(out))
    double weights_rows;
    switch (spec->v[P_CRITIC].choice) {
    case MIB_CRITIC_CONCAT: weights_rows = b * b * TOWER(dx + dy, 1); break;
    case MIB_CRITIC_SEPARABLE: weights_rows = b * (TOWER(dx, e) + TOWER(dy, e)) + b * b * e; break;
    default: weights_rows = b * b * (double)(dx * dy + 1); break;
    }
#undef TOWER
    (void)n;
    return steps * 6 * weights_rows / 40e9;
}

/* What every bound shares after its name and parameters. */
#define NEURAL_TYPE                                                                           \
    MIB_EST_ONLINE, neural_estimate, neural_memory, neural_batch_size, neural_online,          \
        neural_cost

const mib_estimator_type mib_estimator_nwj = {
    {"nwj", "NWJ / MINE-f bound E_p T - e^-1 E_q e^T (neural critic)", plain_params},
    NEURAL_TYPE};
const mib_estimator_type mib_estimator_dv = {
    {"dv", "Donsker-Varadhan bound E_p T - ln E_q e^T (neural critic)", plain_params},
    NEURAL_TYPE};
const mib_estimator_type mib_estimator_mine = {
    {"mine", "MINE: DV bound, gradient with a moving-average denominator (neural critic)",
     mine_params},
    NEURAL_TYPE};
const mib_estimator_type mib_estimator_infonce = {
    {"infonce", "InfoNCE / CPC bound, at most ln B (neural critic)", plain_params},
    NEURAL_TYPE};
const mib_estimator_type mib_estimator_js = {
    {"js", "critic trained with the Jensen-Shannon objective, read out with NWJ",
     plain_params},
    NEURAL_TYPE};
const mib_estimator_type mib_estimator_smile = {
    {"smile", "SMILE: JS-trained critic read out with DV, E_q term clipped to [-tau, tau]",
     smile_params},
    NEURAL_TYPE};

/* The bound of a spec (its type). */
static int bound_kind(const mib_type_info *info)
{
    static const struct {
        const mib_estimator_type *type;
        int kind;
    } kinds[] = {
        {&mib_estimator_nwj, MIB_BOUND_NWJ},         {&mib_estimator_dv, MIB_BOUND_DV},
        {&mib_estimator_mine, MIB_BOUND_MINE},       {&mib_estimator_infonce, MIB_BOUND_INFONCE},
        {&mib_estimator_js, MIB_BOUND_JS},           {&mib_estimator_smile, MIB_BOUND_SMILE},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (info == &kinds[i].type->info)
            return kinds[i].kind;
    assert(!"not a neural estimator");
    return MIB_BOUND_NWJ;
}

/* Everything one trial holds; freed by trial_free. */
typedef struct trial {
    /* settings */
    size_t B, dx, dy, steps, every, patience, last_k; /* last_k 0: held-out */
    int online;
    const mib_workspace *ws;
    const char *name; /* the estimator's */
    mib_bound bound;
    mib_critic_cfg ccfg;
    /* state */
    mib_critic *critic;
    mib_adam adam;
    float *xb, *yb, *T, *dT; /* one batch */
    double *xd, *yd;         /* online: a drawn batch in double */
    double *recent;          /* last last_k training read-outs (ring) */
    double recent_sum;       /* their sum */
    float *best;             /* dataset: best weights */
    /* dataset mode */
    size_t ntrain, nval, ntest;
    float *xs, *ys;          /* standardised rows: train, validation, test */
    size_t *order, pos;      /* training rows in this epoch's order */
    gsl_rng *rng;            /* shuffles */
} trial;

static void trial_free(trial *t)
{
    mib_critic_free(t->critic);
    mib_adam_free(&t->adam);
    free(t->xb);
    free(t->yb);
    free(t->T);
    free(t->dT);
    free(t->xd);
    free(t->yd);
    free(t->recent);
    free(t->best);
    free(t->xs);
    free(t->ys);
    free(t->order);
    if (t->rng)
        gsl_rng_free(t->rng);
}

static void read_spec(trial *t, const mib_spec *spec, size_t dx, size_t dy)
{
    int kind = bound_kind(spec->info);
    t->B = (size_t)spec->v[P_BATCH].num;
    t->dx = dx;
    t->dy = dy;
    t->steps = (size_t)spec->v[P_STEPS].num;
    t->every = (size_t)spec->v[P_EVERY].num;
    t->patience = (size_t)spec->v[P_PATIENCE].num;
    t->last_k = spec->v[P_EVAL].choice >= 0 ? 0 : (size_t)spec->v[P_EVAL].num;
    if (t->last_k > t->steps)
        t->last_k = t->steps;
    t->online = spec->v[P_ONLINE].num != 0;
    t->name = spec->info->name;
    t->bound = (mib_bound){.kind = kind, .tau = INFINITY};
    if (kind == MIB_BOUND_MINE)
        t->bound.alpha = spec->v[P_ALPHA].num;
    if (kind == MIB_BOUND_SMILE && spec->v[P_TAU].choice < 0)
        t->bound.tau = spec->v[P_TAU].num;
    t->ccfg = (mib_critic_cfg){.kind = spec->v[P_CRITIC].choice, .dx = dx, .dy = dy,
                               .hidden = (size_t)spec->v[P_HIDDEN].num,
                               .layers = (size_t)spec->v[P_LAYERS].num,
                               .embed = (size_t)spec->v[P_EMBED].num, .bmax = t->B};
}

/* Split sizes of n rows (dataset mode). */
static void split_sizes(size_t n, size_t *ntrain, size_t *nval, size_t *ntest)
{
    *nval = (size_t)(SPLIT_VAL * (double)n);
    *ntest = (size_t)(SPLIT_TEST * (double)n);
    *ntrain = n - *nval - *ntest;
}

static double neural_memory(const mib_spec *spec, size_t n, size_t dx, size_t dy)
{
    trial t = {0};
    read_spec(&t, spec, dx, dy);
    double rows = t.online ? (double)t.B : (double)n;
    /* standardised floats, the epoch order, one batch in float and double,
     * the score matrix and its gradient */
    return mib_critic_bytes(&t.ccfg) + rows * ((dx + dy) * sizeof(float) + sizeof(size_t)) +
           (double)t.B * (dx + dy) * (sizeof(float) + sizeof(double)) +
           2.0 * t.B * t.B * sizeof(float) + (double)t.last_k * sizeof(double);
}

/* Shuffle the rows, standardise with the training split's statistics, and
 * store them in float: train, then validation, then test. */
static int load_dataset(trial *t, const mib_data *data, mib_result *res, mib_err *err)
{
    size_t n = data->n, dx = t->dx, dy = t->dy;
    size_t *perm = malloc(n * sizeof *perm);
    double *mean = calloc(dx + dy, sizeof *mean), *sd = calloc(dx + dy, sizeof *sd);
    int st = MIB_OK;
    t->xs = malloc(n * dx * sizeof(float));
    t->ys = malloc(n * dy * sizeof(float));
    t->order = malloc(t->ntrain * sizeof *t->order);
    if (!perm || !mean || !sd || !t->xs || !t->ys || !t->order) {
        st = mib_fail(err, MIB_ENOMEM, "out of memory for %zu rows", n);
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        perm[i] = i;
    gsl_ran_shuffle(t->rng, perm, n, sizeof *perm);
    for (size_t c = 0; c < dx + dy; c++) {
        const double *a = c < dx ? data->x + c : data->y + (c - dx);
        size_t stride = c < dx ? dx : dy;
        /* Welford on the column scaled by 2^-e (exact), so values near
         * 1e+-300 neither overflow nor underflow when squared. */
        int e = c < dx ? mib_columns_exponent(data->x, n, dx, c)
                       : mib_columns_exponent(data->y, n, dy, c - dx);
        double m = 0, v = 0;
        for (size_t i = 0; i < t->ntrain; i++) {
            double z = ldexp(a[perm[i] * stride], -e), d = z - m;
            m += d / (double)(i + 1);
            v += d * (z - m);
        }
        mean[c] = ldexp(m, e);
        sd[c] = ldexp(sqrt(v / (double)(t->ntrain - 1)), e);
        if (!(sd[c] > 0)) {
            sd[c] = 1;
            res->flags |= MIB_RES_CONSTANT;
        }
    }
    for (size_t i = 0; i < n; i++) {
        for (size_t c = 0; c < dx; c++)
            t->xs[i * dx + c] = (float)((data->x[perm[i] * dx + c] - mean[c]) / sd[c]);
        for (size_t c = 0; c < dy; c++)
            t->ys[i * dy + c] = (float)((data->y[perm[i] * dy + c] - mean[dx + c]) / sd[dx + c]);
    }
    for (size_t i = 0; i < t->ntrain; i++)
        t->order[i] = i;
    t->pos = t->ntrain; /* reshuffle before the first batch */
done:
    free(perm);
    free(mean);
    free(sd);
    return st;
}

/* Next training minibatch (dataset mode), without replacement per epoch. */
static void next_batch(trial *t)
{
    for (size_t r = 0; r < t->B; r++) {
        if (t->pos == t->ntrain) {
            gsl_ran_shuffle(t->rng, t->order, t->ntrain, sizeof *t->order);
            t->pos = 0;
        }
        size_t i = t->order[t->pos++];
        memcpy(t->xb + r * t->dx, t->xs + i * t->dx, t->dx * sizeof(float));
        memcpy(t->yb + r * t->dy, t->ys + i * t->dy, t->dy * sizeof(float));
    }
}

/* A fresh batch from the sampler (online mode), converted to float. */
static int draw_batch(trial *t, size_t step, double *truth, mib_err *err)
{
    const mib_sampler *s = t->ws->sampler;
    int st = s->draw(s->ctx, step, t->B, t->xd, t->yd, truth);
    if (st)
        return mib_fail(err, st, "the sampler failed at step %zu: %s", step,
                        mib_strerror(st));
    for (size_t i = 0; i < t->B * t->dx; i++)
        t->xb[i] = (float)t->xd[i];
    for (size_t i = 0; i < t->B * t->dy; i++)
        t->yb[i] = (float)t->yd[i];
    return MIB_OK;
}

/* Read-out over consecutive batches of rows [first, first + nb*B) of the
 * standardised dataset, with the current weights. */
static double dataset_readout(trial *t, size_t first, size_t nb)
{
    mib_bound_acc acc;
    mib_bound_acc_reset(&acc);
    for (size_t b = 0; b < nb; b++) {
        size_t r0 = first + b * t->B;
        mib_critic_scores(t->critic, t->B, t->xs + r0 * t->dx, t->ys + r0 * t->dy, t->T);
        mib_bound_acc_add(&t->bound, &acc, t->B, t->T);
    }
    return mib_bound_acc_value(&t->bound, &acc);
}

/* Read-out on about n fresh rows (at least one batch) drawn at `step`'s law. */
static int online_readout(trial *t, size_t n, size_t step, double *out, mib_err *err)
{
    mib_bound_acc acc;
    double truth;
    int st;
    mib_bound_acc_reset(&acc);
    for (size_t b = 0; b < (n / t->B > 0 ? n / t->B : 1); b++) {
        if ((st = draw_batch(t, step, &truth, err)))
            return st;
        mib_critic_scores(t->critic, t->B, t->xb, t->yb, t->T);
        mib_bound_acc_add(&t->bound, &acc, t->B, t->T);
    }
    *out = mib_bound_acc_value(&t->bound, &acc);
    return MIB_OK;
}

/* One gradient step on the batch in xb, yb; *value gets its read-out. */
static int train_step(trial *t, size_t step, double *value, mib_err *err)
{
    mib_params *prm = mib_critic_params(t->critic);
    mib_critic_scores(t->critic, t->B, t->xb, t->yb, t->T);
    *value = mib_bound_train(&t->bound, t->B, t->T, t->dT);
    if (!isfinite(*value))
        return mib_fail(err, MIB_EDIVERGED,
                        "%s training diverged at step %zu (a score is not finite or "
                        "beyond 2^20, or a gradient overflows); try a smaller lr",
                        t->name, step);
    /* the gradients are zero here: calloc'ed, then cleared by each Adam step */
    mib_critic_backward(t->critic, t->B, t->xb, t->yb, t->dT);
    mib_adam_step(&t->adam, prm);
    return MIB_OK;
}

/* Validation (dataset mode): keep the best weights; *stop when patience is
 * exhausted. */
static int validate(trial *t, size_t step, double *best, size_t *bad, int *stop,
                    mib_err *err)
{
    size_t nb = t->nval / t->B;
    if (nb > VAL_MAX_BATCHES)
        nb = VAL_MAX_BATCHES;
    double v = dataset_readout(t, t->ntrain, nb);
    mib_params *prm = mib_critic_params(t->critic);
    if (!isfinite(v))
        return mib_fail(err, MIB_EDIVERGED,
                        "%s training diverged: the validation bound at step %zu is not finite",
                        t->name, step);
    if (v > *best) {
        *best = v;
        *bad = 0;
        memcpy(t->best, prm->p, prm->n * sizeof(float));
    } else if (++*bad >= t->patience) {
        *stop = 1;
    }
    return MIB_OK;
}

/* Checks online= against the workspace's sampler, reads the spec into *t,
 * then checks the data for that mode. Allocates nothing, so every failure
 * simply returns. */
static int trial_config(trial *t, const mib_data *data, const mib_spec *spec,
                        const mib_workspace *ws, mib_err *err)
{
    const mib_sampler *smp = ws->sampler;
    const int online = spec->v[P_ONLINE].num != 0;
    const char *name = spec->info->name;
    int st;
    if (online && !smp)
        return mib_fail(err, MIB_EINVAL, "%s: online=1 needs fresh samples from a generator "
                        "(run it in a study or with --gen); with a data file use online=0",
                        name);
    if (!online && smp)
        return mib_fail(err, MIB_EINVAL, "%s: given a sampler but online=0", name);
    read_spec(t, spec, online ? smp->dx : data->dx, online ? smp->dy : data->dy);
    t->ws = ws;
    t->ccfg.threads = ws->threads; /* same bits for any count (critic.h) */
    if (online && data->n < 2)
        return mib_fail(err, MIB_ESMALL, "%s: online mode reads its estimate on n fresh rows; "
                        "need n >= 2, got %zu", name, data->n);
    if (online)
        return MIB_OK; /* the rows come from the sampler: nothing more to check */
    if ((st = mib_columns_check_constant(data, err)))
        return st;
    split_sizes(data->n, &t->ntrain, &t->nval, &t->ntest);
    if (t->nval < t->B || t->ntest < t->B)
        return mib_fail(err, MIB_ESMALL,
                        "%s: batch=%zu needs n >= %zu (validation and test splits of "
                        "20%% hold at least one batch each), got n=%zu; lower batch",
                        name, t->B, (size_t)ceil(t->B / SPLIT_VAL), data->n);
    return MIB_OK;
}

/* The critic, initialised from the seed's stream 1, the shuffling stream 2,
 * Adam and the batch buffers. Whatever was allocated is the trial's, freed
 * by trial_free also on failure. */
static int trial_alloc(trial *t, double lr, mib_err *err)
{
    gsl_rng *init_rng = mib_rng_alloc(mib_rng_seed_combine(t->ws->seed, 1));
    t->rng = mib_rng_alloc(mib_rng_seed_combine(t->ws->seed, 2));
    t->critic = init_rng ? mib_critic_alloc(&t->ccfg, init_rng) : NULL;
    if (init_rng)
        gsl_rng_free(init_rng);
    size_t bb = t->B * t->B, np = t->critic ? mib_critic_params(t->critic)->n : 0;
    t->xb = malloc(t->B * t->dx * sizeof(float));
    t->yb = malloc(t->B * t->dy * sizeof(float));
    t->T = malloc(bb * sizeof(float));
    t->dT = malloc(bb * sizeof(float));
    t->recent = calloc(t->last_k ? t->last_k : 1, sizeof(double));
    if (t->online) {
        t->xd = malloc(t->B * t->dx * sizeof(double));
        t->yd = malloc(t->B * t->dy * sizeof(double));
    } else {
        t->best = malloc((np ? np : 1) * sizeof(float));
    }
    if (!t->rng || !t->critic || !t->xb || !t->yb || !t->T || !t->dT || !t->recent ||
        (t->online ? !t->xd || !t->yd : !t->best) || mib_adam_init(&t->adam, np, lr))
        return mib_fail(err, MIB_ENOMEM, "%s: out of memory for the critic and its buffers",
                        t->name);
    t->adam.threads = t->ws->threads;
    return MIB_OK;
}

/* Keep the running sum of the last last_k training read-outs (eval=K). */
static void remember(trial *t, size_t step, double value)
{
    if (!t->last_k)
        return;
    double *slot = &t->recent[step % t->last_k];
    t->recent_sum += value - (step >= t->last_k ? *slot : 0);
    *slot = value;
}

/* At most t->steps training steps: a batch (fresh online, else the next of
 * the epoch), a gradient step, the curve point, and (dataset mode) every
 * `every` steps a validation.
 * *done gets the steps taken and
 * *stop whether validation ran out of patience (early stopping). */
static int train(trial *t, size_t *done, int *stop, mib_err *err)
{
    const mib_workspace *ws = t->ws;
    double best = -INFINITY;
    size_t bad = 0, step;
    int st;
    for (step = 0; step < t->steps && !*stop; step++) {
        double value, truth = NAN;
        if (ws->stop && *ws->stop)
            return mib_fail(err, MIB_EINTR, "%s: interrupted at step %zu", t->name, step);
        if (!t->online)
            next_batch(t);
        else if ((st = draw_batch(t, step, &truth, err)))
            return st;
        if ((st = train_step(t, step, &value, err)))
            return st;
        remember(t, step, value);
        if (ws->curve.point && ws->curve.point(ws->curve.ctx, step, value, truth))
            return mib_fail(err, MIB_EINTR, "%s: stopped by the curve sink at step %zu",
                            t->name, step);
        if (!t->online && ((step + 1) % t->every == 0 || step + 1 == t->steps) &&
            (st = validate(t, step, &best, &bad, stop, err)))
            return st;
    }
    *done = step;
    return MIB_OK;
}

/* res->mi after `steps` training steps: the mean of the last K read-outs
 * (eval=K), or the held-out read-out (n fresh rows at the last step's law
 * online, the test split with the best weights otherwise); InfoNCE capped
 * at ln B. */
static int read_estimate(trial *t, size_t n, size_t steps, mib_result *res, mib_err *err)
{
    int st;
    if (t->last_k) {
        size_t k = steps < t->last_k ? steps : t->last_k;
        res->mi = t->recent_sum / (double)k;
    } else if (t->online) {
        if ((st = online_readout(t, n, steps - 1, &res->mi, err)))
            return st;
    } else {
        mib_params *prm = mib_critic_params(t->critic);
        memcpy(prm->p, t->best, prm->n * sizeof(float));
        res->mi = dataset_readout(t, t->ntrain + t->nval, t->ntest / t->B);
    }
    if (!isfinite(res->mi))
        return mib_fail(err, MIB_EDIVERGED, "%s diverged: the held-out bound is not finite "
                        "or a score is beyond 2^20", t->name);
    if (t->bound.kind == MIB_BOUND_INFONCE) {
        double lnb = log((double)t->B);
        if (res->mi > lnb) /* rounding only: the bound is at most ln B */
            res->mi = lnb;
        if (res->mi >= lnb - NCE_CAP_MARGIN)
            res->flags |= MIB_RES_CAPPED;
    }
    return MIB_OK;
}

static int neural_estimate(const mib_data *data, const mib_spec *spec,
                           const mib_workspace *ws, mib_result *res, mib_err *err)
{
    trial t = {0};
    size_t steps = 0;
    int stop = 0, st;
    if ((st = trial_config(&t, data, spec, ws, err)))
        return st; /* nothing allocated yet */
    if ((st = trial_alloc(&t, spec->v[P_LR].num, err)) ||
        (!t.online && (st = load_dataset(&t, data, res, err))) ||
        (st = train(&t, &steps, &stop, err)))
        goto done;
    res->steps = (long)steps;
    if (stop)
        res->flags |= MIB_RES_EARLYSTOP;
    st = read_estimate(&t, data->n, steps, res, err);
done:
    trial_free(&t);
    return st;
}
