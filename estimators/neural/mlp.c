/* mlp.c - dense ReLU layers (forward, backward) on CBLAS sgemm, and Adam.
 * Cost per layer of width in -> out on r rows: 2 r in out flops forward,
 * twice that backward (weights and input gradients); the bias, ReLU and mask
 * loops are O(r out), one pass each: the backward's ReLU mask also sums the
 * bias gradient of the layer below, and a one-output layer (the concat
 * critic's last) uses sgemv and a direct outer product instead of sgemm,
 * which would copy the whole r x in input first. Conventions in mlp.h:
 * row-major activations, W is in x out, gradients are added (callers zero
 * them once per step).
 * Adam follows PyTorch: bias-corrected moments, eps added after the sqrt;
 * one fused pass reads g, m, v, p once and clears g for the next step
 * (5 n floats moved, 10 n flops). The elementwise loops are cloned for
 * AVX-512 / AVX2 (run-time dispatch) and the library is built with
 * -fno-math-errno so sqrtf is one instruction: the same operations in the
 * same order as scalar code (ISO C mode: no FMA contraction), so the same
 * bits on every CPU.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cblas.h>
#include "estimators/neural/mlp.h"

size_t mib_dense_count(size_t in, size_t out) { return in * out + out; }

size_t mib_mlp_count(size_t nlayers, const size_t *dims)
{
    size_t n = 0;
    for (size_t l = 0; l < nlayers; l++)
        n += mib_dense_count(dims[l], dims[l + 1]);
    return n;
}

void mib_dense_bind(mib_dense *d, size_t in, size_t out, mib_params *prm, size_t *at)
{
    d->in = in;
    d->out = out;
    d->w = prm->p + *at;
    d->gw = prm->g + *at;
    *at += in * out;
    d->b = prm->p + *at;
    d->gb = prm->g + *at;
    *at += out;
}

void mib_mlp_bind(mib_mlp *m, size_t nlayers, const size_t *dims, mib_params *prm,
                  size_t *at)
{
    m->nlayers = nlayers;
    for (size_t l = 0; l < nlayers; l++)
        mib_dense_bind(&m->layer[l], dims[l], dims[l + 1], prm, at);
}

void mib_mlp_uniform_fill(float *p, size_t n, double s, gsl_rng *r)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (float)(s * (2.0 * gsl_rng_uniform(r) - 1.0));
}

void mib_dense_init(mib_dense *d, gsl_rng *r)
{
    double s = 1.0 / sqrt((double)d->in);
    mib_mlp_uniform_fill(d->w, d->in * d->out, s, r);
    mib_mlp_uniform_fill(d->b, d->out, s, r);
}

void mib_mlp_init(mib_mlp *m, gsl_rng *r)
{
    for (size_t l = 0; l < m->nlayers; l++)
        mib_dense_init(&m->layer[l], r);
}

size_t mib_mlp_max_width(const mib_mlp *m)
{
    size_t w = 0;
    for (size_t l = 0; l < m->nlayers; l++)
        if (m->layer[l].out > w)
            w = m->layer[l].out;
    return w;
}

MIB_VECTOR_CLONES
void mib_dense_forward(const mib_dense *d, size_t rows, const float *in, float *out,
                       int use_relu)
{
    size_t n = d->out;
    if (n == 1) /* a matrix-vector product: sgemm would first copy (pack) all of in */
        cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)rows, (int)d->in, 1.0f, in, (int)d->in,
                    d->w, 1, 0.0f, out, 1);
    else
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)n, (int)d->in,
                    1.0f, in, (int)d->in, d->w, (int)n, 0.0f, out, (int)n);
    const float *restrict b = d->b;
    for (size_t r = 0; r < rows; r++) {
        float *restrict o = out + r * n;
        if (use_relu)
            for (size_t k = 0; k < n; k++)
                o[k] = relu(o[k] + b[k]);
        else
            for (size_t k = 0; k < n; k++)
                o[k] += b[k];
    }
}

void mib_mlp_forward(const mib_mlp *m, size_t rows, const float *in, float *const *act)
{
    for (size_t l = 0; l < m->nlayers; l++)
        mib_dense_forward(&m->layer[l], rows, l ? act[l - 1] : in, act[l],
                          l + 1 < m->nlayers);
}

/* gb += the column sums of dz (rows x n), row by row. */
MIB_VECTOR_CLONES
static void add_column_sums(float *restrict gb, const float *restrict dz, size_t rows, size_t n)
{
    for (size_t r = 0; r < rows; r++)
        for (size_t k = 0; k < n; k++)
            gb[k] += dz[r * n + k];
}

/* da = dz W' (rows x d->in); when a is non-NULL, masked by a > 0 (the ReLU
 * that produced a) and added into gb row by row: the masked da is the dz
 * of the layer below, whose bias gradient this pass sums on the way. A
 * one-output layer's dz W' is an outer product, written here directly
 * (sgemm with k = 1 would clear da first and pass over it again). */
MIB_VECTOR_CLONES
static void input_gradient(const mib_dense *d, size_t rows, const float *dz, const float *a,
                           float *da, float *gb)
{
    const size_t in = d->in;
    const int outer = d->out == 1;
    const float *restrict w = d->w;
    if (!outer)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)in, (int)d->out,
                    1.0f, dz, (int)d->out, d->w, (int)d->out, 0.0f, da, (int)in);
    for (size_t r = 0; r < rows; r++) {
        float *restrict g = da + r * in;
        const float z = outer ? dz[r] : 0.0f;
        if (a) {
            const float *restrict h = a + r * in;
            for (size_t k = 0; k < in; k++) {
                float v = outer ? z * w[k] : g[k];
                v = h[k] > 0.0f ? v : 0.0f;
                g[k] = v;
                gb[k] += v;
            }
        } else if (outer) {
            for (size_t k = 0; k < in; k++)
                g[k] = z * w[k];
        }
    }
}

void mib_mlp_backward(const mib_mlp *m, size_t rows, const float *in,
                      float *const *act, const float *dout, float *scratch,
                      float *din)
{
    size_t wmax = mib_mlp_max_width(m);
    float *buf[2] = {scratch, scratch + rows * wmax};
    const float *dz = dout;
    add_column_sums(m->layer[m->nlayers - 1].gb, dout, rows, m->layer[m->nlayers - 1].out);
    for (size_t l = m->nlayers; l-- > 0;) {
        const mib_dense *d = &m->layer[l];
        const float *a = l ? act[l - 1] : in;
        int ni = (int)d->in, no = (int)d->out;
        if (no == 1) /* gw += a' dz, a matrix-vector product (see mib_dense_forward) */
            cblas_sgemv(CblasRowMajor, CblasTrans, (int)rows, ni, 1.0f, a, ni, dz, 1, 1.0f,
                        d->gw, 1);
        else
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, ni, no, (int)rows, 1.0f, a,
                        ni, dz, no, 1.0f, d->gw, no);
        if (l == 0 && !din)
            break;
        /* dLoss/da = dz W'; below the top layer also through the ReLU of a */
        float *da = l ? buf[l & 1] : din;
        input_gradient(d, rows, dz, l ? a : NULL, da, l ? m->layer[l - 1].gb : NULL);
        dz = da;
    }
}

int mib_adam_init(mib_adam *a, size_t n, double lr)
{
    *a = (mib_adam){.lr = lr, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8, .n = n};
    a->m = calloc(n ? n : 1, sizeof *a->m);
    a->v = calloc(n ? n : 1, sizeof *a->v);
    if (!a->m || !a->v) {
        mib_adam_free(a);
        return -1;
    }
    return 0;
}

void mib_adam_free(mib_adam *a)
{
    free(a->m);
    free(a->v);
    a->m = a->v = NULL;
}

/* Adam on parameters [lo, hi): elementwise, so any split gives the same bits. */
MIB_VECTOR_CLONES
static void adam_range(float *restrict p, float *restrict m, float *restrict v,
                       float *restrict g, size_t lo, size_t hi, const float *k)
{
    const float b1 = k[0], b2 = k[1], a1 = k[2], a2 = k[3], step = k[4], rc2 = k[5], eps = k[6];
    for (size_t i = lo; i < hi; i++) {
        float gi = g[i], mi = b1 * m[i] + a1 * gi, vi = b2 * v[i] + a2 * gi * gi;
        m[i] = mi;
        v[i] = vi;
        p[i] -= step * mi / (sqrtf(vi) * rc2 + eps);
        g[i] = 0.0f; /* the next backward pass adds into zeros */
    }
}

void mib_adam_step(mib_adam *a, mib_params *prm)
{
    a->t++;
    float b1 = (float)a->beta1, b2 = (float)a->beta2;
    /* Fold both bias corrections into the step size and eps (exact algebra). */
    double c1 = 1.0 - pow(a->beta1, (double)a->t), c2 = 1.0 - pow(a->beta2, (double)a->t);
    const float k[7] = {b1, b2, 1.0f - b1, 1.0f - b2, (float)(a->lr / c1),
                        (float)(1.0 / sqrt(c2)), (float)a->eps};
    const int nt = a->threads > 1 && a->n >= 65536 ? a->threads : 1;
    /* chunks of whole 64-byte lines, one per thread */
    const size_t chunk = ((a->n + (size_t)nt - 1) / (size_t)nt + 15) & ~(size_t)15;
#pragma omp parallel for num_threads(nt) schedule(static, 1) if (nt > 1)
    for (int c = 0; c < nt; c++) {
        size_t lo = (size_t)c * chunk, hi = lo + chunk < a->n ? lo + chunk : a->n;
        if (lo < hi)
            adam_range(prm->p, a->m, a->v, prm->g, lo, hi, k);
    }
}
