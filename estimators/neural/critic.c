/* critic.c - separable, concat and bilinear critics on all B x B pairs.
 * separable (Poole et al. 2019): T = G H' with G = g(X), H = h(Y), B x embed;
 *   cost 2 MLPs on B rows + 2 B^2 embed flops.
 * concat: one MLP on [x_i, y_j] for every pair. Its first layer is split as
 *   x Wx + y Wy + b, computed once per row (U = X Wx + b, V = Y Wy) and
 *   broadcast, h1(i,j) = relu(U_i + V_j): the B^2 x (dx+dy) input is never
 *   built. The rest runs on blocks of rows of x (about chunk_pairs pairs)
 *   whose activations are kept for backward when they fit
 *   (MIB_CONCAT_STORE_BYTES), else recomputed blockwise in backward (one more
 *   forward: 4/3 of the flops). About 6 B^2 hidden^2 (layers - 1) flops a step.
 *   Backward deals the blocks to CONCAT_LANES lanes (block b to lane
 *   b mod lanes), each summing its blocks' gradients in its own buffers;
 *   the lanes are then added in lane order.
 * bilinear: T = X W Y' + c; cost 2 B dx dy + 2 B^2 dy.
 * Threads (cfg.threads >= 2): the separable towers g and h run side by
 * side, each on its own scratch; concat's blocks (forward) and lanes
 * (backward) are shared out, each thread with its own scratch. The lanes
 * depend on B and chunk_pairs only, and nothing else is summed across
 * threads, so the result is the same bits for any thread count.
 */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cblas.h>
#include <omp.h>
#include "estimators/neural/critic.h"

#define DEFAULT_CHUNK_PAIRS 2048 /* two blocks at B = 64: one per core */
#define CONCAT_LANES 4           /* concat backward: gradient sums kept apart */

struct mib_critic {
    mib_critic_cfg cfg;
    mib_params prm;
    float *buf;      /* every buffer below points into this block */
    float *scratch;  /* backward ping-pong: 2 x (B or cap) x widest layer */
    float *scratch2; /* separable: the same for tower h (the towers may run at once) */
    /* separable */
    mib_mlp g, h;
    float *gact[MIB_MLP_MAX_LAYERS], *hact[MIB_MLP_MAX_LAYERS];
    float *dge, *dhe; /* B x embed */
    /* concat */
    mib_dense first;  /* (dx + dy) x hidden: rows 0..dx-1 act on x, the rest on y */
    mib_mlp tail;     /* hidden -> ... -> 1; its gradients are lane 0's */
    float *U, *V, *dU, *dV; /* B x hidden; dV is lane 0's */
    size_t cap;       /* pairs per block */
    int store;        /* all pair activations kept (else recomputed) */
    int workers;      /* threads of the block loops, each with its own scratch */
    float *act;       /* layers slabs: bmax^2 x hidden each (store) or, per worker,
                         cap x hidden each */
    float *din;       /* per worker: cap x hidden */
    float *tout;      /* per worker: cap, block outputs when recomputing */
    size_t ntail;     /* parameters of the tail */
    mib_mlp lane_tail[CONCAT_LANES]; /* lanes >= 1: the tail, gradients in lane_g */
    float *lane_g[CONCAT_LANES], *lane_dV[CONCAT_LANES]; /* zero between steps */
    /* bilinear */
    mib_dense bil;    /* W (dx x dy) with b[0] = c (in a block of dx*dy + 1) */
    float *A, *dA;    /* B x dy */
};

static int concat_store(const mib_critic_cfg *cfg)
{
    if (cfg->store)
        return cfg->store > 0;
    return (double)cfg->layers * cfg->bmax * cfg->bmax * cfg->hidden * sizeof(float) <=
           MIB_CONCAT_STORE_BYTES;
}

static size_t concat_cap(const mib_critic_cfg *cfg)
{
    size_t p = cfg->chunk_pairs ? cfg->chunk_pairs : DEFAULT_CHUNK_PAIRS;
    return p > cfg->bmax ? p : cfg->bmax;
}

/* Blocks of whole x rows, at most cap pairs each, of a batch B <= cap. */
static size_t concat_blocks(size_t cap, size_t B)
{
    size_t rows = cap / B;
    return (B + rows - 1) / rows;
}

static size_t concat_lanes(size_t cap, size_t B)
{
    size_t n = concat_blocks(cap, B);
    return n < CONCAT_LANES ? n : CONCAT_LANES;
}

/* Threads of the block loops: no more than the lanes at bmax (the most of
 * any B <= bmax). */
static size_t concat_workers(const mib_critic_cfg *cfg)
{
    size_t t = cfg->threads > 1 ? (size_t)cfg->threads : 1;
    size_t lanes = concat_lanes(concat_cap(cfg), cfg->bmax);
    return t < lanes ? t : lanes;
}

/* Widths of a tower in -> hidden (layers times) -> out. */
static void tower_dims(const mib_critic_cfg *cfg, size_t in, size_t out, size_t *dims)
{
    dims[0] = in;
    for (size_t l = 1; l <= cfg->layers; l++)
        dims[l] = cfg->hidden;
    dims[cfg->layers + 1] = out;
}

/* Parameter count and float count of the buffers. */
static void sizes(const mib_critic_cfg *cfg, size_t *nparam, size_t *nbuf)
{
    size_t dims[MIB_MLP_MAX_LAYERS + 1], B = cfg->bmax, H = cfg->hidden, L = cfg->layers;
    size_t E = cfg->embed, w = H > E ? H : E;
    switch (cfg->kind) {
    case MIB_CRITIC_SEPARABLE:
        tower_dims(cfg, cfg->dx, E, dims);
        *nparam = mib_mlp_count(L + 1, dims);
        tower_dims(cfg, cfg->dy, E, dims);
        *nparam += mib_mlp_count(L + 1, dims);
        /* both towers' activations, 2 embedding gradients, a ping-pong each */
        *nbuf = 2 * (L * B * H + B * E) + 2 * B * E + 4 * B * w;
        break;
    case MIB_CRITIC_CONCAT: {
        size_t cap = concat_cap(cfg), lanes = concat_lanes(cap, B), nw = concat_workers(cfg);
        tower_dims(cfg, H, 1, dims);
        size_t ntail = mib_mlp_count(L, dims + 1);
        *nparam = mib_dense_count(cfg->dx + cfg->dy, H) + ntail;
        /* U, V, dU, dV; the other lanes' gradients; per worker din, a
         * ping-pong and block outputs; the pair activations */
        *nbuf = 4 * B * H + (lanes - 1) * (ntail + B * H) + nw * (3 * cap * H + cap) +
                L * H * (concat_store(cfg) ? B * B : nw * cap);
        break;
    }
    default:
        *nparam = cfg->dx * cfg->dy + 1;
        *nbuf = 2 * B * cfg->dy;
        break;
    }
}

double mib_critic_bytes(const mib_critic_cfg *cfg)
{
    size_t np, nb;
    sizes(cfg, &np, &nb);
    /* parameters, gradients, 2 Adam moments, the best-weights copy, buffers */
    return sizeof(float) * (5.0 * (double)np + (double)nb);
}

double mib_critic_flops(const mib_critic_cfg *cfg, size_t B)
{
    double b = (double)B, H = (double)cfg->hidden, L = (double)cfg->layers;
    double dx = (double)cfg->dx, dy = (double)cfg->dy, E = (double)cfg->embed;
    switch (cfg->kind) {
    case MIB_CRITIC_SEPARABLE: {
        /* forward 1, weight gradients 1, input gradients 1 (not for layer 0) */
        double first = (dx + dy) * H, rest = 2 * ((L - 1) * H * H + H * E);
        return 2 * b * (2 * first + 3 * rest) + 6 * b * b * E;
    }
    case MIB_CRITIC_CONCAT: {
        double pairs = 3 * (L - 1) * H * H + 3 * H; /* tail: fwd, dW, din */
        if (!concat_store(cfg))
            pairs += (L - 1) * H * H + H;
        return 2 * b * b * pairs + 4 * b * (dx + dy) * H;
    }
    default:
        return 4 * b * dx * dy + 6 * b * b * dy;
    }
}

mib_params *mib_critic_params(mib_critic *c) { return &c->prm; }

void mib_critic_free(mib_critic *c)
{
    if (!c)
        return;
    free(c->prm.p);
    free(c->prm.g);
    free(c->buf);
    free(c);
}

/* Hand out n floats from the buffer block. */
static float *take(float **s, size_t n)
{
    float *p = *s;
    *s += n;
    return p;
}

mib_critic *mib_critic_alloc(const mib_critic_cfg *cfg, gsl_rng *r)
{
    size_t np, nb, at = 0, dims[MIB_MLP_MAX_LAYERS + 1];
    size_t B = cfg->bmax, H = cfg->hidden, L = cfg->layers, E = cfg->embed;
    mib_critic *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->cfg = *cfg;
    sizes(cfg, &np, &nb);
    c->prm.n = np;
    c->prm.p = calloc(np, sizeof(float));
    c->prm.g = calloc(np, sizeof(float));
    c->buf = calloc(nb, sizeof(float)); /* concat's lane sums start at zero */
    if (!c->prm.p || !c->prm.g || !c->buf) {
        mib_critic_free(c);
        return NULL;
    }
    float *s = c->buf;
    switch (cfg->kind) {
    case MIB_CRITIC_SEPARABLE:
        tower_dims(cfg, cfg->dx, E, dims);
        mib_mlp_bind(&c->g, L + 1, dims, &c->prm, &at);
        tower_dims(cfg, cfg->dy, E, dims);
        mib_mlp_bind(&c->h, L + 1, dims, &c->prm, &at);
        mib_mlp_init(&c->g, r);
        mib_mlp_init(&c->h, r);
        for (size_t l = 0; l <= L; l++) {
            c->gact[l] = take(&s, B * dims[l + 1]);
            c->hact[l] = take(&s, B * dims[l + 1]);
        }
        c->dge = take(&s, B * E);
        c->dhe = take(&s, B * E);
        c->scratch = take(&s, 2 * B * (H > E ? H : E));
        c->scratch2 = take(&s, 2 * B * (H > E ? H : E));
        break;
    case MIB_CRITIC_CONCAT: {
        c->cap = concat_cap(cfg);
        c->store = concat_store(cfg);
        c->workers = (int)concat_workers(cfg);
        size_t nw = (size_t)c->workers;
        mib_dense_bind(&c->first, cfg->dx + cfg->dy, H, &c->prm, &at);
        size_t first = at;
        tower_dims(cfg, H, 1, dims);
        mib_mlp_bind(&c->tail, L, dims + 1, &c->prm, &at);
        c->ntail = at - first;
        mib_dense_init(&c->first, r);
        mib_mlp_init(&c->tail, r);
        c->U = take(&s, B * H);
        c->V = take(&s, B * H);
        c->dU = take(&s, B * H);
        c->dV = take(&s, B * H);
        for (size_t k = 1; k < concat_lanes(c->cap, B); k++) {
            /* the tail's weights, with its gradients in this lane's buffer */
            size_t lat = 0;
            mib_params lane = {c->ntail, c->prm.p + first, take(&s, c->ntail)};
            mib_mlp_bind(&c->lane_tail[k], L, dims + 1, &lane, &lat);
            c->lane_g[k] = lane.g;
            c->lane_dV[k] = take(&s, B * H);
        }
        c->din = take(&s, nw * c->cap * H);
        c->scratch = take(&s, nw * 2 * c->cap * H);
        c->tout = take(&s, nw * c->cap);
        c->act = take(&s, L * (c->store ? B * B : nw * c->cap) * H);
        break;
    }
    default:
        /* W (dx x dy) then c: a dense layer of fan-in dx whose bias is c. */
        c->bil = (mib_dense){.in = cfg->dx, .out = cfg->dy, .w = c->prm.p, .gw = c->prm.g,
                             .b = c->prm.p + np - 1, .gb = c->prm.g + np - 1};
        mib_mlp_uniform_fill(c->prm.p, np, 1.0 / sqrt((double)cfg->dx), r);
        c->A = take(&s, B * cfg->dy);
        c->dA = take(&s, B * cfg->dy);
        break;
    }
    return c;
}

static void separable_scores(mib_critic *c, size_t B, const float *x, const float *y, float *T)
{
    size_t L = c->cfg.layers;
    int E = (int)c->cfg.embed, b = (int)B;
#pragma omp parallel sections num_threads(2) if (c->cfg.threads > 1)
    {
#pragma omp section
        mib_mlp_forward(&c->g, B, x, c->gact);
#pragma omp section
        mib_mlp_forward(&c->h, B, y, c->hact);
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, b, b, E, 1.0f, c->gact[L], E,
                c->hact[L], E, 0.0f, T, b);
}

static void separable_backward(mib_critic *c, size_t B, const float *x, const float *y,
                               const float *dT)
{
    size_t L = c->cfg.layers;
    int E = (int)c->cfg.embed, b = (int)B;
    /* T = G H': dG = dT H, dH = dT' G; then each tower on its own */
#pragma omp parallel sections num_threads(2) if (c->cfg.threads > 1)
    {
#pragma omp section
        {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, b, E, b, 1.0f, dT, b,
                        c->hact[L], E, 0.0f, c->dge, E);
            mib_mlp_backward(&c->g, B, x, c->gact, c->dge, c->scratch, NULL);
        }
#pragma omp section
        {
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, b, E, b, 1.0f, dT, b,
                        c->gact[L], E, 0.0f, c->dhe, E);
            mib_mlp_backward(&c->h, B, y, c->hact, c->dhe, c->scratch2, NULL);
        }
    }
}

/* x rows per block: as many as fit in cap pairs, at least one. */
static size_t block_rows(const mib_critic *c, size_t B) { return c->cap / B; }

/* Where the block of x rows from i0 keeps h1 and the tail's activations:
 * in the kept slabs (store) or in worker w's block slabs; the tail's output
 * (the scores) goes to out. */
static float *block_slabs(const mib_critic *c, size_t B, size_t i0, int w, float *out,
                          float **acts)
{
    size_t H = c->cfg.hidden, L = c->cfg.layers;
    size_t stride = c->store ? c->cfg.bmax * c->cfg.bmax * H : c->cap * H;
    float *base = c->store ? c->act + i0 * B * H : c->act + (size_t)w * L * c->cap * H;
    for (size_t l = 0; l + 1 < L; l++)
        acts[l] = base + (l + 1) * stride;
    acts[L - 1] = out;
    return base;
}

/* Forward of the pair MLP on x rows i0 .. i0+rows-1 against every y, on
 * worker w's scratch; the scores go to out (rows*B). Sets *h1p and acts[]
 * for the backward pass. */
MIB_VECTOR_CLONES
static void concat_block(mib_critic *c, size_t B, size_t i0, size_t rows, int w, float *out,
                         float **h1p, float **acts)
{
    size_t H = c->cfg.hidden;
    float *h1 = block_slabs(c, B, i0, w, out, acts);
    for (size_t i = 0; i < rows; i++) {
        const float *restrict u = c->U + (i0 + i) * H;
        for (size_t j = 0; j < B; j++) {
            const float *restrict v = c->V + j * H;
            float *restrict o = h1 + (i * B + j) * H;
            for (size_t k = 0; k < H; k++)
                o[k] = relu(u[k] + v[k]);
        }
    }
    mib_mlp_forward(&c->tail, rows * B, h1, acts);
    *h1p = h1;
}

static void concat_scores(mib_critic *c, size_t B, const float *x, const float *y, float *T)
{
    size_t H = c->cfg.hidden, dx = c->cfg.dx, dy = c->cfg.dy, nb = block_rows(c, B);
    /* U = X Wx + b, V = Y Wy: the first layer once per row */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)B, (int)H, (int)dx, 1.0f, x,
                (int)dx, c->first.w, (int)H, 0.0f, c->U, (int)H);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)B, (int)H, (int)dy, 1.0f, y,
                (int)dy, c->first.w + dx * H, (int)H, 0.0f, c->V, (int)H);
    for (size_t i = 0; i < B; i++)
        for (size_t k = 0; k < H; k++)
            c->U[i * H + k] += c->first.b[k];
    /* the blocks are independent: any thread gives the same scores (dynamic:
     * a thread that shares its core with another job takes fewer) */
#pragma omp parallel for num_threads(c->workers) schedule(dynamic) if (c->workers > 1)
    for (size_t i0 = 0; i0 < B; i0 += nb) {
        float *h1, *acts[MIB_MLP_MAX_LAYERS];
        concat_block(c, B, i0, i0 + nb <= B ? nb : B - i0, omp_get_thread_num(), T + i0 * B,
                     &h1, acts);
    }
}

/* Backward of lane k's blocks (k, k + lanes, ...) on worker w's scratch:
 * the tail's gradients go to the lane's tail, the pair gradients through
 * relu(U_i + V_j) to the blocks' rows of dU and to the lane's dV. */
MIB_VECTOR_CLONES
static void concat_lane(mib_critic *c, size_t B, const float *dT, size_t k, size_t lanes,
                        int w)
{
    size_t H = c->cfg.hidden, nb = block_rows(c, B);
    const mib_mlp *tail = k ? &c->lane_tail[k] : &c->tail;
    float *dV = k ? c->lane_dV[k] : c->dV, *din = c->din + (size_t)w * c->cap * H;
    float *scratch = c->scratch + (size_t)w * 2 * c->cap * H, *tout = c->tout + w * c->cap;
    float *h1, *acts[MIB_MLP_MAX_LAYERS];
    for (size_t i0 = k * nb; i0 < B; i0 += lanes * nb) {
        size_t rows = i0 + nb <= B ? nb : B - i0;
        if (c->store) /* the kept activations; the output is not read */
            h1 = block_slabs(c, B, i0, w, tout, acts);
        else
            concat_block(c, B, i0, rows, w, tout, &h1, acts);
        mib_mlp_backward(tail, rows * B, h1, acts, dT + i0 * B, scratch, din);
        for (size_t i = 0; i < rows; i++) {
            float *restrict du = c->dU + (i0 + i) * H;
            for (size_t j = 0; j < B; j++) {
                const float *restrict a = h1 + (i * B + j) * H;
                const float *restrict d = din + (i * B + j) * H;
                float *restrict dv = dV + j * H;
                for (size_t q = 0; q < H; q++) {
                    float dq = d[q], z = a[q] > 0.0f ? dq : 0.0f;
                    du[q] += z;
                    dv[q] += z;
                }
            }
        }
    }
}

/* sum += lane; lane = 0 (ready for the next step). */
MIB_VECTOR_CLONES
static void add_and_clear(float *restrict sum, float *restrict lane, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        sum[i] += lane[i];
        lane[i] = 0.0f;
    }
}

static void concat_backward(mib_critic *c, size_t B, const float *x, const float *y,
                            const float *dT)
{
    size_t H = c->cfg.hidden, dx = c->cfg.dx, dy = c->cfg.dy;
    size_t lanes = concat_lanes(c->cap, B);
    memset(c->dU, 0, B * H * sizeof(float));
    memset(c->dV, 0, B * H * sizeof(float));
#pragma omp parallel for num_threads(c->workers) schedule(dynamic) if (c->workers > 1)
    for (size_t k = 0; k < lanes; k++)
        concat_lane(c, B, dT, k, lanes, omp_get_thread_num());
    /* lane 0 summed into the gradient block itself; the others in order */
    for (size_t k = 1; k < lanes; k++) {
        add_and_clear(c->tail.layer[0].gw, c->lane_g[k], c->ntail);
        add_and_clear(c->dV, c->lane_dV[k], B * H);
    }
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)dx, (int)H, (int)B, 1.0f, x,
                (int)dx, c->dU, (int)H, 1.0f, c->first.gw, (int)H);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)dy, (int)H, (int)B, 1.0f, y,
                (int)dy, c->dV, (int)H, 1.0f, c->first.gw + dx * H, (int)H);
    for (size_t i = 0; i < B; i++)
        for (size_t k = 0; k < H; k++)
            c->first.gb[k] += c->dU[i * H + k];
}

static void bilinear_scores(mib_critic *c, size_t B, const float *x, const float *y, float *T)
{
    int dx = (int)c->cfg.dx, dy = (int)c->cfg.dy, b = (int)B;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, b, dy, dx, 1.0f, x, dx, c->bil.w,
                dy, 0.0f, c->A, dy);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, b, b, dy, 1.0f, c->A, dy, y, dy, 0.0f,
                T, b);
    for (size_t i = 0; i < B * B; i++)
        T[i] += c->bil.b[0];
}

static void bilinear_backward(mib_critic *c, size_t B, const float *x, const float *y,
                              const float *dT)
{
    int dx = (int)c->cfg.dx, dy = (int)c->cfg.dy, b = (int)B;
    /* T = (X W) Y' + c: dA = dT Y, dW = X' dA, dc = sum dT */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, b, dy, b, 1.0f, dT, b, y, dy, 0.0f,
                c->dA, dy);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, dx, dy, b, 1.0f, x, dx, c->dA, dy,
                1.0f, c->bil.gw, dy);
    double s = 0;
    for (size_t i = 0; i < B * B; i++)
        s += dT[i];
    c->bil.gb[0] += (float)s;
}

void mib_critic_scores(mib_critic *c, size_t B, const float *x, const float *y, float *T)
{
    assert(B >= 2 && B <= c->cfg.bmax);
    switch (c->cfg.kind) {
    case MIB_CRITIC_SEPARABLE:
        separable_scores(c, B, x, y, T);
        break;
    case MIB_CRITIC_CONCAT:
        concat_scores(c, B, x, y, T);
        break;
    default:
        bilinear_scores(c, B, x, y, T);
        break;
    }
}

void mib_critic_backward(mib_critic *c, size_t B, const float *x, const float *y,
                         const float *dT)
{
    assert(B >= 2 && B <= c->cfg.bmax);
    switch (c->cfg.kind) {
    case MIB_CRITIC_SEPARABLE:
        separable_backward(c, B, x, y, dT);
        break;
    case MIB_CRITIC_CONCAT:
        concat_backward(c, B, x, y, dT);
        break;
    default:
        bilinear_backward(c, B, x, y, dT);
        break;
    }
}
