/* mlp.h - float32 dense ReLU networks on CBLAS sgemm, and Adam (internal to
 * the neural estimators; not part of the public API).
 *
 * Activations are row-major, one row per sample. A dense layer computes
 * z = a W + b with W stored in x out row-major, so the forward pass is one
 * NoTrans/NoTrans sgemm and the backward pass two (a' dz for the weights,
 * dz W' for the input). Parameters and gradients live in a caller-owned
 * block (mib_params) so a whole critic is one array for Adam and for the
 * best-weights copy of early stopping; layers only point into it.
 */
#ifndef MIBENCH_NEURAL_MLP_H
#define MIBENCH_NEURAL_MLP_H

#include <stddef.h>
#include <gsl/gsl_rng.h>
#include "estimators/clones.h"

#define MIB_MLP_MAX_LAYERS 18 /* dense layers in one network */

/* One contiguous block of parameters and their gradients (same layout). */
typedef struct mib_params {
    size_t n;
    float *p, *g;
} mib_params;

typedef struct mib_dense {
    size_t in, out;
    float *w, *b;   /* in x out weights, out biases (inside a mib_params) */
    float *gw, *gb; /* their gradients */
} mib_dense;

/* ReLU after every layer but the last. */
typedef struct mib_mlp {
    size_t nlayers;
    mib_dense layer[MIB_MLP_MAX_LAYERS];
} mib_mlp;

/* max(v, 0) that keeps NaN (so divergence stays visible) and compiles to
 * one max instruction, unlike fmaxf. */
static inline float relu(float v) { return v < 0.0f ? 0.0f : v; }

/* Parameters of a dense layer / of an MLP with widths dims[0..nlayers]. */
size_t mib_dense_count(size_t in, size_t out);
size_t mib_mlp_count(size_t nlayers, const size_t *dims);

/* Point a layer / network at the block from offset *at on; advances *at. */
void mib_dense_bind(mib_dense *d, size_t in, size_t out, mib_params *prm, size_t *at);
void mib_mlp_bind(mib_mlp *m, size_t nlayers, const size_t *dims, mib_params *prm,
                  size_t *at);

/* p[0..n-1] ~ U(-s, s). */
void mib_mlp_uniform_fill(float *p, size_t n, double s, gsl_rng *r);

/* PyTorch's default initialisation: weights and biases U(-1/sqrt(in), 1/sqrt(in)). */
void mib_dense_init(mib_dense *d, gsl_rng *r);
void mib_mlp_init(mib_mlp *m, gsl_rng *r);

/* Widest layer output of the network (scratch sizing). */
size_t mib_mlp_max_width(const mib_mlp *m);

/* out = in W + b (rows x d->out), then ReLU when relu is set. */
void mib_dense_forward(const mib_dense *d, size_t rows, const float *in, float *out,
                       int use_relu);

/* Forward pass: act[l] (rows x layer[l].out) receives layer l's output. */
void mib_mlp_forward(const mib_mlp *m, size_t rows, const float *in, float *const *act);

/* Backward pass after mib_mlp_forward on the same input: dout (rows x out)
 * is dLoss/d(output). Adds the parameter gradients into the block; when din
 * is non-NULL writes dLoss/d(in) there (rows x layer[0].in, no activation
 * mask applied). scratch holds 2 * rows * mib_mlp_max_width(m) floats. */
void mib_mlp_backward(const mib_mlp *m, size_t rows, const float *in,
                      float *const *act, const float *dout, float *scratch,
                      float *din);

/* Adam (Kingma & Ba 2015) with PyTorch's update rule. */
typedef struct mib_adam {
    double lr, beta1, beta2, eps;
    long t;      /* steps taken */
    float *m, *v; /* moments, one per parameter */
    size_t n;
    int threads;  /* OpenMP threads for the update (0, 1: one); same bits for any */
} mib_adam;

/* Moments for n parameters, zeroed; beta1 0.9, beta2 0.999, eps 1e-8.
 * Returns non-zero when out of memory. */
int mib_adam_init(mib_adam *a, size_t n, double lr);
void mib_adam_free(mib_adam *a);
/* One step: p -= lr * mhat / (sqrt(vhat) + eps) using the gradients g,
 * which it then sets to zero (ready for the next backward pass). */
void mib_adam_step(mib_adam *a, mib_params *prm);

#endif
