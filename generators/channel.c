/* channel.c - k-ary symmetric channels with a uniform input: X uniform on
 * {0..k-1}, Y = X with probability 1 - eps, else uniform over the other k-1
 * symbols. I = ln k - Hb(eps) - eps ln(k - 1) nats; `bsc` is k = 2
 * (I = ln 2 - Hb(eps)). Samples are the integers 0..k-1 stored as doubles.
 * pmi = ln(k P(y|x)). O(1) per row.
 */
#include <math.h>
#include "mibench/generator.h"

enum { P_EPS };                 /* bsc */
enum { PK_SYMBOLS, PK_EPS };    /* ksc */

static const mib_param_spec bsc_params[] = {
    [P_EPS] = {.name = "eps", .kind = MIB_PARAM_REAL, .def = "0.1", .min = 0, .max = 1,
               .help = "crossover probability"},
    {.name = NULL},
};

static const mib_param_spec ksc_params[] = {
    [PK_SYMBOLS] = {.name = "symbols", .kind = MIB_PARAM_INT, .def = "4", .min = 2,
                    .max = 1000000, .help = "alphabet size k"},
    [PK_EPS] = {.name = "eps", .kind = MIB_PARAM_REAL, .def = "0.1", .min = 0, .max = 1,
                .help = "probability that Y differs from X"},
    {.name = NULL},
};

typedef struct state {
    unsigned long k;
    double eps;
} state;

static int init_channel(state *c, unsigned long k, double eps, mib_generator_shape *shape)
{
    c->k = k;
    c->eps = eps;
    *shape = (mib_generator_shape){.dx = 1, .dy = 1, .discrete = 1};
    return MIB_OK;
}

static int bsc_init(void *vs, const mib_spec *spec, mib_generator_shape *shape, mib_err *err)
{
    return init_channel(vs, 2, spec->v[P_EPS].num, shape);
}

static int ksc_init(void *vs, const mib_spec *spec, mib_generator_shape *shape, mib_err *err)
{
    return init_channel(vs, (unsigned long)spec->v[PK_SYMBOLS].num, spec->v[PK_EPS].num, shape);
}

/* eps ln eps with 0 ln 0 = 0 */
static double xlogx(double p)
{
    return p > 0 ? p * log(p) : 0;
}

static int truth(const void *vs, double *mi, mib_err *err)
{
    const state *c = vs;
    double hb = -xlogx(c->eps) - xlogx(1 - c->eps);
    *mi = log((double)c->k) - hb - (c->eps > 0 ? c->eps * log((double)(c->k - 1)) : 0);
    return MIB_OK;
}

static int sample(const void *vs, gsl_rng *r, size_t n, double *x, double *y)
{
    const state *c = vs;
    for (size_t i = 0; i < n; i++) {
        unsigned long a = gsl_rng_uniform_int(r, c->k), b = a;
        if (gsl_rng_uniform(r) < c->eps) /* one of the k - 1 other symbols */
            b = (a + 1 + gsl_rng_uniform_int(r, c->k - 1)) % c->k;
        x[i] = (double)a;
        y[i] = (double)b;
    }
    return MIB_OK;
}

/* MIB_EDATA for non-symbols and for pairs of probability zero. */
static int pmi(const void *vs, const double *x, const double *y, double *out)
{
    const state *c = vs;
    double k = (double)c->k;
    if (!(*x >= 0 && *x < k && *y >= 0 && *y < k && *x == floor(*x) && *y == floor(*y)))
        return MIB_EDATA;
    double q = *x == *y ? 1 - c->eps : c->eps / (k - 1); /* P(y | x) */
    if (q <= 0)
        return MIB_EDATA;
    *out = log(k * q);
    return MIB_OK;
}

const mib_generator_type mib_generator_bsc = {
    .info = {"bsc", "binary symmetric channel, uniform input (integer samples)", bsc_params},
    .state_size = sizeof(state),
    .init = bsc_init,
    .truth = truth,
    .sample = sample,
    .pmi = pmi,
};

const mib_generator_type mib_generator_ksc = {
    .info = {"ksc", "k-ary symmetric channel, uniform input (integer samples)", ksc_params},
    .state_size = sizeof(state),
    .init = ksc_init,
    .truth = truth,
    .sample = sample,
    .pmi = pmi,
};
