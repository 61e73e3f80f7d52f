/* bounds.h - variational MI bounds on a B x B score matrix (internal).
 *
 * T[i*B + j] = T(x_i, y_j): the diagonal are samples of the joint, the
 * B(B-1) off-diagonal pairs samples of the product of the marginals
 * (Poole et al. 2019). Values are computed in double with log-sum-exp.
 * A bound has a read-out (the MI estimate) and a training objective; they
 * differ for js and smile (trained with the Jensen-Shannon objective) and
 * mine (the DV gradient with a moving-average denominator).
 */
#ifndef MIBENCH_NEURAL_BOUNDS_H
#define MIBENCH_NEURAL_BOUNDS_H

#include <stddef.h>

enum mib_bound_kind {
    MIB_BOUND_NWJ,     /* E_p T - e^-1 E_q e^T (Nguyen, Wainwright, Jordan 2010) */
    MIB_BOUND_DV,      /* E_p T - ln E_q e^T (Donsker-Varadhan) */
    MIB_BOUND_MINE,    /* DV, gradient with an EMA of E_q e^T (Belghazi et al. 2018) */
    MIB_BOUND_INFONCE, /* ln B + mean_i [T_ii - lse_j T_ij] (van den Oord et al. 2018) */
    MIB_BOUND_JS,      /* trained with JS (f-GAN), read out with NWJ at T + 1 */
    MIB_BOUND_SMILE    /* trained with JS, read out with DV, E_q term on clip(T, -tau, tau)
                          (Song & Ermon 2020) */
};

/* Scores beyond this size count as divergence: float32 resolves them to
 * 1/8 or worse, so differences of scores (all a bound sees) are noise. */
#define MIB_SCORE_MAX 1048576.0 /* 2^20 */

typedef struct mib_bound {
    int kind;       /* enum mib_bound_kind */
    double tau;     /* smile: clip level (INFINITY: none) */
    double alpha;   /* mine: EMA rate, ema <- (1 - alpha) ema + alpha m */
    double log_ema; /* mine: log of the moving average; set by the first step */
    int have_ema;
} mib_bound;

/* What the read-out needs, summed over any number of batches of equal B, so a
 * held-out estimate pools its batches: DV-type terms take the log of the mean
 * over all negatives seen (not a mean of per-batch logs). */
typedef struct mib_bound_acc {
    double pos_sum;  /* sum of T_ii */
    double neg_lse;  /* ln sum of e^T_ij over negatives (smile: clipped T) */
    double nce_sum;  /* sum over rows of T_ii - lse_j T_ij */
    double pos_n, neg_n;
    size_t B;        /* batch size of the batches added (0: none yet) */
    int bad;         /* a score was not finite or beyond MIB_SCORE_MAX */
} mib_bound_acc;

void mib_bound_acc_reset(mib_bound_acc *a);
void mib_bound_acc_add(const mib_bound *b, mib_bound_acc *a, size_t B, const float *T);
/* The read-out; NAN when nothing was added, a score was bad (see
 * MIB_SCORE_MAX) or the value is not finite. */
double mib_bound_acc_value(const mib_bound *b, const mib_bound_acc *a);

/* Read-out of one batch. */
double mib_bound_value(const mib_bound *b, size_t B, const float *T);

/* One training step on a batch: returns its read-out and writes
 * dT = dLoss/dT with Loss = -objective; updates mine's moving average.
 * Returns NAN when a score is bad (MIB_SCORE_MAX), or the value or any
 * gradient is not finite (in float). */
double mib_bound_train(mib_bound *b, size_t B, const float *T, float *dT);

/* The objective whose gradient mib_bound_train writes (negated), for the
 * bound's current state (mine: the moving average as a constant). */
double mib_bound_objective(const mib_bound *b, size_t B, const float *T);

#endif
