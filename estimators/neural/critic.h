/* critic.h - critics T(x, y) scored on all B x B pairs of a batch (internal).
 *
 * scores() fills T (B x B, row-major): T[i*B + j] = T(x_i, y_j), so the
 * diagonal holds the joint samples and the off-diagonal pairs are the
 * negatives. backward() takes dLoss/dT for the same batch (the last scores()
 * call) and adds dLoss/dtheta into the parameter block.
 * Parameter block layout (each dense layer: W, in x out row-major, then b):
 *   separable: tower g (dx -> hidden x layers -> embed), then tower h (dy -> ...);
 *   concat:    first layer (dx + dy) x hidden (x's rows, then y's), then the
 *              tail hidden -> ... -> 1 (ReLU after every layer but the last);
 *   bilinear:  W (dx x dy), then c.
 */
#ifndef MIBENCH_NEURAL_CRITIC_H
#define MIBENCH_NEURAL_CRITIC_H

#include <stddef.h>
#include <gsl/gsl_rng.h>
#include "estimators/neural/mlp.h"

enum mib_critic_kind {
    MIB_CRITIC_SEPARABLE, /* g(x) . h(y), two MLPs with embed outputs */
    MIB_CRITIC_CONCAT,    /* one MLP on [x, y] for every pair */
    MIB_CRITIC_BILINEAR   /* x' W y + c */
};

typedef struct mib_critic_cfg {
    int kind;             /* enum mib_critic_kind */
    size_t dx, dy;
    size_t hidden, layers; /* hidden width and number of hidden layers (>= 1) */
    size_t embed;         /* separable: embedding size */
    size_t bmax;          /* largest batch scores() will see */
    /* concat only; 0 means the default: */
    size_t chunk_pairs;   /* pairs per block of the pair MLP (default 2048); the
                             blocks fix the order of the gradient sums */
    int store;            /* 1 keep every pair activation for backward, -1 never
                             (recompute blockwise), 0 automatic: keep them when
                             they fit in MIB_CONCAT_STORE_BYTES */
    int threads;          /* OpenMP threads scores()/backward() may use (0, 1: one;
                             concat uses at most 4); the same bits for any count */
} mib_critic_cfg;

#define MIB_CONCAT_STORE_BYTES (160.0 * 1024 * 1024)

typedef struct mib_critic mib_critic;

/* Allocate and initialise (PyTorch default init from r). NULL when out of
 * memory. */
mib_critic *mib_critic_alloc(const mib_critic_cfg *cfg, gsl_rng *r);
void mib_critic_free(mib_critic *c);

/* Bytes the critic (parameters, Adam moments, activations) will hold. */
double mib_critic_bytes(const mib_critic_cfg *cfg);

/* The parameter block (values and gradients). */
mib_params *mib_critic_params(mib_critic *c);

/* Scores of the batch x (B x dx), y (B x dy), 2 <= B <= bmax. */
void mib_critic_scores(mib_critic *c, size_t B, const float *x, const float *y, float *T);

/* Add dLoss/dtheta for dT = dLoss/dT (B x B) of the last scores() batch. */
void mib_critic_backward(mib_critic *c, size_t B, const float *x, const float *y,
                         const float *dT);

/* Floating-point operations of one scores() + backward() (the sgemm part). */
double mib_critic_flops(const mib_critic_cfg *cfg, size_t B);

#endif
