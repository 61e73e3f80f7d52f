/* bounds.c - read-outs and gradients of the variational MI bounds on a
 * B x B score matrix (formulas in bounds.h; Poole et al. 2019, Song & Ermon
 * 2020). Cost O(B^2) exp/log per batch, all in double with log-sum-exp, so
 * large scores never overflow before the final exp of NWJ/JS. NaN inputs are
 * never masked (clipping and maxima are written so NaN propagates) and a
 * non-finite result is reported as NAN for the caller to call divergence.
 */
#include <float.h>
#include <math.h>
#include "estimators/neural/bounds.h"
#include "estimators/neural/mlp.h" /* MIB_VECTOR_CLONES */

static double logaddexp(double a, double b)
{
    if (a == -INFINITY)
        return b;
    if (b == -INFINITY)
        return a;
    double m = a > b ? a : b;
    return m + log1p(exp(-fabs(a - b))); /* NaN in a or b stays NaN */
}

/* smile's clip of the negatives; NaN passes through. */
static double neg_score(const mib_bound *b, float t)
{
    double v = t;
    if (b->kind == MIB_BOUND_SMILE)
        v = v < -b->tau ? -b->tau : v > b->tau ? b->tau : v;
    return v;
}

/* ln sum over i != j of e^T_ij (clipped for smile). When e is non-NULL it
 * receives e^(T_ij - max) for the negatives, and *max the max. expf on the
 * shifted scores (at most 0), sums in double. */
static double negatives_lse(const mib_bound *b, size_t B, const float *T, float *e,
                            double *max)
{
    double m = -INFINITY, s = 0;
    for (size_t i = 0; i < B; i++)
        for (size_t j = 0; j < B; j++)
            if (i != j && neg_score(b, T[i * B + j]) > m)
                m = neg_score(b, T[i * B + j]);
    for (size_t i = 0; i < B; i++)
        for (size_t j = 0; j < B; j++)
            if (i != j) {
                float v = expf((float)(neg_score(b, T[i * B + j]) - m)); /* NaN if m is inf */
                s += v;
                if (e)
                    e[i * B + j] = v;
            }
    if (max)
        *max = m;
    return m + log(s);
}

/* ln sum_j e^T_ij of one row; e (when non-NULL) receives e^(T_ij - max)
 * and *sum their sum. */
static double row_lse(size_t B, const float *row, float *e, double *sum)
{
    double m = -INFINITY, s = 0;
    for (size_t j = 0; j < B; j++)
        if (row[j] > m)
            m = row[j];
    for (size_t j = 0; j < B; j++) {
        float v = expf((float)(row[j] - m));
        s += v;
        if (e)
            e[j] = v;
    }
    if (sum)
        *sum = s;
    return m + log(s);
}

/* Every score finite and within MIB_SCORE_MAX. */
static int scores_ok(size_t B, const float *T)
{
    int ok = 1;
    for (size_t i = 0; i < B * B; i++)
        ok &= fabsf(T[i]) <= (float)MIB_SCORE_MAX; /* false for NaN */
    return ok;
}

static double softplus(double z) { return (z > 0 ? z : 0) + log1p(exp(-fabs(z))); }

static double sigmoid(double z) { return 1.0 / (1.0 + exp(-z)); }

void mib_bound_acc_reset(mib_bound_acc *a)
{
    *a = (mib_bound_acc){.neg_lse = -INFINITY};
}

void mib_bound_acc_add(const mib_bound *b, mib_bound_acc *a, size_t B, const float *T)
{
    a->B = B;
    a->bad |= !scores_ok(B, T);
    a->pos_n += (double)B;
    a->neg_n += (double)B * (double)(B - 1);
    if (b->kind == MIB_BOUND_INFONCE) {
        for (size_t i = 0; i < B; i++)
            a->nce_sum += T[i * B + i] - row_lse(B, T + i * B, NULL, NULL);
        return;
    }
    for (size_t i = 0; i < B; i++)
        a->pos_sum += T[i * B + i];
    a->neg_lse = logaddexp(a->neg_lse, negatives_lse(b, B, T, NULL, NULL));
}

double mib_bound_acc_value(const mib_bound *b, const mib_bound_acc *a)
{
    if (a->pos_n == 0 || a->bad)
        return NAN;
    double pos = a->pos_sum / a->pos_n, lnq = a->neg_lse - log(a->neg_n), v;
    switch (b->kind) {
    case MIB_BOUND_NWJ:
        v = pos - exp(lnq - 1.0);
        break;
    case MIB_BOUND_JS: /* NWJ at T + 1: tight at the JS optimum T = ln p/q */
        v = 1.0 + pos - exp(lnq);
        break;
    case MIB_BOUND_INFONCE:
        v = log((double)a->B) + a->nce_sum / a->pos_n;
        break;
    default: /* dv, mine, smile */
        v = pos - lnq;
        break;
    }
    return isfinite(v) ? v : NAN;
}

double mib_bound_value(const mib_bound *b, size_t B, const float *T)
{
    mib_bound_acc a;
    mib_bound_acc_reset(&a);
    mib_bound_acc_add(b, &a, B, T);
    return mib_bound_acc_value(b, &a);
}

/* Jensen-Shannon f-GAN objective: E_p[-softplus(-T)] - E_q[softplus(T)]. */
static double js_objective(size_t B, const float *T)
{
    double p = 0, q = 0;
    for (size_t i = 0; i < B; i++)
        for (size_t j = 0; j < B; j++)
            if (i == j)
                p -= softplus(-(double)T[i * B + j]);
            else
                q += softplus(T[i * B + j]);
    return p / (double)B - q / ((double)B * (double)(B - 1));
}

double mib_bound_objective(const mib_bound *b, size_t B, const float *T)
{
    switch (b->kind) {
    case MIB_BOUND_JS:
    case MIB_BOUND_SMILE:
        return js_objective(B, T);
    case MIB_BOUND_MINE: {
        double pos = 0, nneg = (double)B * (double)(B - 1);
        for (size_t i = 0; i < B; i++)
            pos += T[i * B + i];
        return pos / (double)B - exp(negatives_lse(b, B, T, NULL, NULL) - log(nneg) - b->log_ema);
    }
    default:
        return mib_bound_value(b, B, T);
    }
}

/* dT_ij = e_ij * scale for the negatives (e in dT already), -1/B on the
 * diagonal; 0 when a gradient does not fit in a float. */
static int scale_negatives(size_t B, float *dT, double scale)
{
    int ok = 1;
    for (size_t i = 0; i < B; i++)
        for (size_t j = 0; j < B; j++) {
            double g = i == j ? -1.0 / (double)B : dT[i * B + j] * scale;
            ok &= fabs(g) <= FLT_MAX; /* false for NaN too */
            dT[i * B + j] = (float)g;
        }
    return ok;
}

MIB_VECTOR_CLONES
double mib_bound_train(mib_bound *b, size_t B, const float *T, float *dT)
{
    double nneg = (double)B * (double)(B - 1), lnneg = log(nneg), value, pos = 0, m, lse;
    int ok = 1;
    for (size_t i = 0; i < B; i++)
        pos += T[i * B + i];
    pos /= (double)B;
    switch (b->kind) {
    case MIB_BOUND_INFONCE: /* dT_ij = (softmax_i(T)_j - [i == j]) / B */
        value = log((double)B);
        for (size_t i = 0; i < B; i++) {
            float *restrict d = dT + i * B;
            double s;
            value += (T[i * B + i] - row_lse(B, T + i * B, d, &s)) / (double)B;
            for (size_t j = 0; j < B; j++) {
                float p = (float)(d[j] / s); /* the softmax, rounded to float */
                double g = (p - (i == j)) / (double)B;
                ok &= fabs(g) <= FLT_MAX;
                d[j] = (float)g;
            }
        }
        break;
    case MIB_BOUND_JS:
    case MIB_BOUND_SMILE: /* the JS objective's gradient; the read-out apart */
        value = mib_bound_value(b, B, T);
        for (size_t i = 0; i < B; i++)
            for (size_t j = 0; j < B; j++) {
                double t = T[i * B + j];
                double g = i == j ? -sigmoid(-t) / (double)B : sigmoid(t) / nneg;
                ok &= fabs(g) <= FLT_MAX;
                dT[i * B + j] = (float)g;
            }
        break;
    default: /* nwj, dv, mine: dT_ij = e^(T_ij - shift) / scale for negatives */
        lse = negatives_lse(b, B, T, dT, &m);
        if (b->kind == MIB_BOUND_NWJ) {
            value = pos - exp(lse - lnneg - 1.0);
            ok = scale_negatives(B, dT, exp(m - 1.0 - lnneg));
        } else {
            value = pos - (lse - lnneg);
            if (b->kind == MIB_BOUND_MINE) { /* ln E_q e^T in the moving average */
                double q = lse - lnneg;
                b->log_ema = b->have_ema ? logaddexp(log1p(-b->alpha) + b->log_ema,
                                                     log(b->alpha) + q)
                                         : q;
                b->have_ema = 1;
                ok = scale_negatives(B, dT, exp(m - b->log_ema - lnneg));
            } else {
                ok = scale_negatives(B, dT, exp(m - lse));
            }
        }
        break;
    }
    return ok && isfinite(value) && scores_ok(B, T) ? value : NAN;
}
