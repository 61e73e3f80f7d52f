/* bmi_transform.c - bmi's maps (Czyz et al. 2023) and their inverses, see
 * bmi_transform.h. Elementwise maps are strictly increasing: wiggly_x has
 * slope >= 1 - 0.4 - 0.34 - 0.099 = 0.161 and moves v by at most 0.63,
 * wiggly_y slope >= 0.533 and moves v by at most 0.59, so each inverse is a
 * GSL Brent root search on [w - 0.63, w + 0.63]. bimodal is v = F^-1(Phi(x))
 * for a mixture CDF F, solved in the log domain (ln F against ln Phi(x) for
 * x <= 0, the upper tails for x > 0, so both tails keep relative accuracy) on
 * the exact bracket [x + min mean, x + max mean]. The spiral rotates one
 * coordinate plane by speed ||v||^2 and keeps the norm, so its inverse turns
 * back by the same angle. Cost: O(d) per vector, ~50 function calls per
 * root search.
 */
#include <float.h>
#include <math.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_sf_erf.h>
#include "generators/bmi_transform.h"

const char *const mib_bmi_tf_names[] = {"none",       "cdf",     "halfcube",  "asinh", "wiggly",
                                        "spiral",     "cdf-spiral", "bimodal", "swissroll",
                                        NULL};

#define WIGGLY_X_SHIFT 0.63 /* 0.4 + 0.2 + 0.03 */
#define WIGGLY_Y_SHIFT 0.59 /* 0.4 + 0.17 + 0.02 */
#define MAX_ITER 200

static double wiggly_x(double x)
{
    return x + 0.4 * sin(x) + 0.2 * sin(1.7 * x + 1) + 0.03 * sin(3.3 * x - 2.5);
}

static double wiggly_y(double x)
{
    return x - 0.4 * sin(0.4 * x) + 0.17 * sin(1.3 * x + 3.5) + 0.02 * sin(4.3 * x - 2.5);
}

/* The two-component mixtures of task_bimodal_gaussians: weights, means. */
static const double mix_w[2][2] = {{0.3, 0.7}, {0.5, 0.5}};
static const double mix_m[2][2] = {{0.0, 5.0}, {-1.0, 3.0}};

static double log_phi_cdf(double z) /* ln Phi(z), accurate in both tails */
{
    return gsl_sf_log_erfc(-z / M_SQRT2) - M_LN2;
}

static double logsumexp2(double a, double b)
{
    double m = fmax(a, b);
    return m + log(exp(a - m) + exp(b - m));
}

/* ln F(v) (upper = 0) or ln (1 - F(v)) (upper = 1) of side's mixture. */
static double log_mix(int side, double v, int upper)
{
    double t[2];
    for (int k = 0; k < 2; k++) {
        double z = v - mix_m[side][k];
        t[k] = log(mix_w[side][k]) + log_phi_cdf(upper ? -z : z);
    }
    return logsumexp2(t[0], t[1]);
}

typedef struct root_problem {
    int kind; /* 0 wiggly_x, 1 wiggly_y, 2 mixture lower tail, 3 mixture upper tail */
    int side;
    double target;
} root_problem;

static double root_fn(double v, void *vp)
{
    const root_problem *p = vp;
    switch (p->kind) {
    case 0: return wiggly_x(v) - p->target;
    case 1: return wiggly_y(v) - p->target;
    case 2: return log_mix(p->side, v, 0) - p->target;
    default: return p->target - log_mix(p->side, v, 1); /* increasing in v */
    }
}

/* The root of the increasing root_fn(., p) in [lo, hi], by GSL Brent. */
static int solve(root_problem *p, double lo, double hi, double *root)
{
    gsl_function f = {.function = root_fn, .params = p};
    double flo = root_fn(lo, p), fhi = root_fn(hi, p);
    if (flo == 0 || fhi == 0) {
        *root = flo == 0 ? lo : hi;
        return MIB_OK;
    }
    gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (!s)
        return MIB_ENOMEM;
    int st = gsl_root_fsolver_set(s, &f, lo, hi) ? MIB_ENUMERIC : MIB_OK;
    for (int it = 0; !st && it < MAX_ITER; it++) {
        if (gsl_root_fsolver_iterate(s)) {
            st = MIB_ENUMERIC;
            break;
        }
        double a = gsl_root_fsolver_x_lower(s), b = gsl_root_fsolver_x_upper(s);
        if (gsl_root_test_interval(a, b, 1e-300, 2 * DBL_EPSILON) == GSL_SUCCESS)
            break;
    }
    *root = gsl_root_fsolver_root(s);
    gsl_root_fsolver_free(s);
    return st;
}

/* Rotate the plane (i, j) of v by the angle speed ||v||^2 (direction +1)
 * or back (-1); the norm, hence the angle, is the same before and after. */
static void spiral(int side, double speed, double *v, size_t d, int direction)
{
    size_t i = side == MIB_BMI_X ? 0 : 1, j = i + 1;
    double r2 = 0;
    for (size_t k = 0; k < d; k++)
        r2 += v[k] * v[k];
    double th = direction * speed * r2, c = cos(th), s = sin(th), a = v[i], b = v[j];
    v[i] = c * a - s * b; /* exp(th A) with A[i][j] = -1, A[j][i] = 1 */
    v[j] = s * a + c * b;
}

int mib_bmi_tf_check(int t, size_t dx, size_t dy, const char *gen, mib_err *err)
{
    if ((t == MIB_BMI_SPIRAL || t == MIB_BMI_CDF_SPIRAL) && (dx < 2 || dy < 3))
        return mib_fail(err, MIB_EINVAL,
                        "generator '%s': transform=%s rotates the planes (0,1) of X and (1,2) "
                        "of Y and needs dim_x >= 2, dim_y >= 3 (got %zu, %zu)",
                        gen, mib_bmi_tf_names[t], dx, dy);
    if (t == MIB_BMI_SWISSROLL && dx != 1)
        return mib_fail(err, MIB_EINVAL,
                        "generator '%s': transform=swissroll embeds a 1-D X in the plane and "
                        "needs dim_x = 1 (got %zu)", gen, dx);
    return MIB_OK;
}

size_t mib_bmi_tf_dim(int t, int side, size_t d)
{
    return t == MIB_BMI_SWISSROLL && side == MIB_BMI_X ? 2 : d;
}

int mib_bmi_tf_apply(int t, int side, double speed, double *v, size_t d)
{
    int st = MIB_OK;
    if (t == MIB_BMI_SWISSROLL && side == MIB_BMI_X) {
        double u = gsl_cdf_ugaussian_P(v[0]), tt = 1.5 * M_PI * (1 + 2 * u);
        v[0] = tt * cos(tt) / 21.0;
        v[1] = tt * sin(tt) / 21.0;
        return MIB_OK;
    }
    for (size_t k = 0; k < d && !st; k++) {
        double a = v[k];
        switch (t) {
        case MIB_BMI_CDF:
        case MIB_BMI_CDF_SPIRAL:
        case MIB_BMI_SWISSROLL: v[k] = gsl_cdf_ugaussian_P(a); break;
        case MIB_BMI_HALFCUBE: v[k] = a * sqrt(fabs(a)); break;
        case MIB_BMI_ASINH: v[k] = asinh(a); break;
        case MIB_BMI_WIGGLY: v[k] = side == MIB_BMI_X ? wiggly_x(a) : wiggly_y(a); break;
        case MIB_BMI_BIMODAL: {
            root_problem p = {.kind = a <= 0 ? 2 : 3, .side = side,
                              .target = a <= 0 ? log_phi_cdf(a) : log_phi_cdf(-a)};
            st = solve(&p, a + mix_m[side][0], a + mix_m[side][1], &v[k]); /* means sorted */
            break;
        }
        default: break;
        }
    }
    if (t == MIB_BMI_SPIRAL || t == MIB_BMI_CDF_SPIRAL)
        spiral(side, speed, v, d, +1);
    return st;
}

/* Normal quantile of a value that must lie in (0, 1). */
static int quantile(double u, double *x)
{
    if (!(u > 0 && u < 1))
        return MIB_EDATA;
    *x = gsl_cdf_ugaussian_Pinv(u);
    return MIB_OK;
}

static int invert_bimodal(int side, double w, double *x)
{
    double lo = log_mix(side, w, 0);
    if (lo <= -M_LN2) { /* F(w) <= 1/2: the lower tail is accurate */
        double u = exp(lo);
        *x = gsl_cdf_ugaussian_Pinv(u);
        return u > 0 && isfinite(*x) ? MIB_OK : MIB_EDATA;
    }
    double q = exp(log_mix(side, w, 1));
    *x = gsl_cdf_ugaussian_Qinv(q);
    return q > 0 && isfinite(*x) ? MIB_OK : MIB_EDATA;
}

int mib_bmi_tf_invert(int t, int side, double speed, const double *w, size_t d, double *v)
{
    if (t == MIB_BMI_SWISSROLL && side == MIB_BMI_X) {
        double tt = 21.0 * hypot(w[0], w[1]), u = tt / (3 * M_PI) - 0.5;
        /* off the roll (wrong angle for its radius): no such sample */
        if (fabs(tt * cos(tt) / 21.0 - w[0]) > 1e-9 * (1 + tt) ||
            fabs(tt * sin(tt) / 21.0 - w[1]) > 1e-9 * (1 + tt))
            return MIB_EDATA;
        return quantile(u, v);
    }
    int st = MIB_OK;
    for (size_t k = 0; k < d; k++)
        v[k] = w[k];
    if (t == MIB_BMI_SPIRAL || t == MIB_BMI_CDF_SPIRAL)
        spiral(side, speed, v, d, -1);
    for (size_t k = 0; k < d && !st; k++) {
        double a = v[k];
        switch (t) {
        case MIB_BMI_CDF:
        case MIB_BMI_CDF_SPIRAL:
        case MIB_BMI_SWISSROLL: st = quantile(a, &v[k]); break;
        case MIB_BMI_HALFCUBE: v[k] = copysign(pow(fabs(a), 2.0 / 3.0), a); break;
        case MIB_BMI_ASINH: v[k] = sinh(a); break;
        case MIB_BMI_WIGGLY: {
            double sh = side == MIB_BMI_X ? WIGGLY_X_SHIFT : WIGGLY_Y_SHIFT;
            root_problem p = {.kind = side == MIB_BMI_X ? 0 : 1, .target = a};
            st = solve(&p, a - sh, a + sh, &v[k]);
            break;
        }
        case MIB_BMI_BIMODAL: st = invert_bimodal(side, a, &v[k]); break;
        default: break;
        }
    }
    return st;
}
