/* bounds.c - read-outs and gradients of the variational MI bounds on a
 * B x B score matrix (formulas in bounds.h; Poole et al. 2019, Song & Ermon
 * 2020). Cost O(B^2) exp/log per batch, all in double with log-sum-exp, so
 * large scores never overflow before the final exp of NWJ/JS. NaN inputs are
 * never masked (clipping and maxima are written so NaN propagates) and a
 * non-finite result is reported as NAN for the caller to call divergence.
 */
#include <float.h>
#include <math.h>
#include "neural/bounds.h"

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

/* ln sum over i != j of e^T_ij (clipped for smile). */
static double negatives_lse(const mib_bound *b, size_t B, const float *T)
{
    double m = -INFINITY, s = 0;
    for (size_t i = 0; i < B; i++)
        for (size_t j = 0; j < B; j++)
            if (i != j && neg_score(b, T[i * B + j]) > m)
                m = neg_score(b, T[i * B + j]);
    for (size_t i = 0; i < B; i++)
        for (size_t j = 0; j < B; j++)
            if (i != j)
                s += exp(neg_score(b, T[i * B + j]) - m); /* NaN when m is inf */
    return m + log(s);
}

/* ln sum_j e^T_ij of row i. */
static double row_lse(size_t B, const float *row)
{
    double m = -INFINITY, s = 0;
    for (size_t j = 0; j < B; j++)
        if (row[j] > m)
            m = row[j];
    for (size_t j = 0; j < B; j++)
        s += exp(row[j] - m);
    return m + log(s);
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
    a->pos_n += (double)B;
    a->neg_n += (double)B * (double)(B - 1);
    if (b->kind == MIB_BOUND_INFONCE) {
        for (size_t i = 0; i < B; i++)
            a->nce_sum += T[i * B + i] - row_lse(B, T + i * B);
        return;
    }
    for (size_t i = 0; i < B; i++)
        a->pos_sum += T[i * B + i];
    a->neg_lse = logaddexp(a->neg_lse, negatives_lse(b, B, T));
}

double mib_bound_acc_value(const mib_bound *b, const mib_bound_acc *a)
{
    if (a->pos_n == 0)
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
        return pos / (double)B - exp(negatives_lse(b, B, T) - log(nneg) - b->log_ema);
    }
    default:
        return mib_bound_value(b, B, T);
    }
}

double mib_bound_train(mib_bound *b, size_t B, const float *T, float *dT)
{
    double nneg = (double)B * (double)(B - 1), lnneg = log(nneg), value;
    double shift = 0; /* negatives' gradient is e^(T - shift) / scale */
    double scale = nneg;
    int ok = 1;
    value = mib_bound_value(b, B, T);
    switch (b->kind) {
    case MIB_BOUND_NWJ:
        shift = 1.0;
        break;
    case MIB_BOUND_DV:
        shift = negatives_lse(b, B, T);
        scale = 1.0;
        break;
    case MIB_BOUND_MINE: {
        double m = negatives_lse(b, B, T) - lnneg; /* ln of this batch's E_q e^T */
        b->log_ema = b->have_ema ? logaddexp(log1p(-b->alpha) + b->log_ema, log(b->alpha) + m)
                                 : m;
        b->have_ema = 1;
        shift = b->log_ema;
        break;
    }
    default:
        break;
    }
    for (size_t i = 0; i < B && ok; i++) {
        const float *row = T + i * B;
        double lse = b->kind == MIB_BOUND_INFONCE ? row_lse(B, row) : 0;
        for (size_t j = 0; j < B; j++) {
            double t = row[j], g;
            switch (b->kind) {
            case MIB_BOUND_INFONCE:
                g = (exp(t - lse) - (i == j)) / (double)B;
                break;
            case MIB_BOUND_JS:
            case MIB_BOUND_SMILE:
                g = i == j ? -sigmoid(-t) / (double)B : sigmoid(t) / nneg;
                break;
            default: /* nwj, dv, mine */
                g = i == j ? -1.0 / (double)B : exp(t - shift) / scale;
                break;
            }
            if (!(fabs(g) <= FLT_MAX)) /* also catches NaN */
                ok = 0;
            dT[i * B + j] = (float)g;
        }
    }
    return ok ? value : NAN;
}
