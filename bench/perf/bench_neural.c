/* bench_neural.c - training throughput of the neural critics on ONE thread:
 * steps/s of an online InfoNCE trial (fresh dim-20 Gaussian batches,
 * hidden 256, 2 layers, embed 32) for each critic at B = 64 ... 512, with
 * the achieved GFLOP/s of the critic's matrix products against this
 * machine's single-thread sgemm peak, measured here first. Re-executes
 * itself with OpenBLAS's fast kernels (blas_kernels.h). Run it niced on a
 * shared machine; figures from a busy machine are lower bounds.
 * usage: bench_neural [SECONDS_PER_CELL (default 2)] [--batch B]...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cblas.h>
#include "bench/cli/blas_kernels.h"
#include "mibench/mibench.h"
#include "estimators/neural/critic.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Best single-thread sgemm rate over a few shapes (GFLOP/s). */
static double sgemm_peak(void)
{
    static const int shapes[][3] = {{4096, 256, 256}, {1024, 1024, 1024}, {256, 256, 4096}};
    double best = 0;
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        int M = shapes[s][0], N = shapes[s][1], K = shapes[s][2];
        float *a = malloc(sizeof(float) * (size_t)M * K), *b = malloc(sizeof(float) * (size_t)K * N);
        float *c = malloc(sizeof(float) * (size_t)M * N);
        if (!a || !b || !c)
            exit(1);
        for (size_t i = 0; i < (size_t)M * K; i++)
            a[i] = (float)(i % 13) * 0.01f;
        for (size_t i = 0; i < (size_t)K * N; i++)
            b[i] = (float)(i % 7) * 0.01f;
        for (int round = 0; round < 3; round++) {
            int reps = 0;
            double t0 = now(), t;
            do {
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, 1.0f, a, K, b, N,
                            0.0f, c, N);
                reps++;
            } while ((t = now() - t0) < 0.25);
            double g = 2.0 * M * N * K * reps / t / 1e9;
            if (g > best)
                best = g;
        }
        free(a);
        free(b);
        free(c);
    }
    return best;
}

typedef struct sampler_ctx {
    mib_generator *gen;
    gsl_rng *rng;
} sampler_ctx;

static int draw(void *ctx, size_t step, size_t n, double *x, double *y, double *truth)
{
    sampler_ctx *s = ctx;
    return mib_generator_sample_step(s->gen, s->rng, step, n, x, y, truth);
}

/* Seconds for `steps` online InfoNCE steps (no held-out pass: eval=steps). */
static double run(mib_generator *gen, const char *critic, int B, long steps)
{
    char text[256];
    mib_spec spec;
    mib_err err;
    mib_result res;
    mib_workspace ws;
    sampler_ctx sc = {gen, mib_rng_alloc(7)};
    mib_sampler smp = {gen->dx, gen->dy, &sc, draw};
    mib_data data = {(size_t)B, gen->dx, gen->dy, NULL, NULL};
    snprintf(text, sizeof text, "infonce:critic=%s,batch=%d,steps=%ld,eval=%ld,online=1", critic,
             B, steps, steps);
    if (mib_estimator_spec_parse(text, &spec, &err)) {
        fprintf(stderr, "bench_neural: %s\n", err.msg);
        exit(1);
    }
    mib_workspace_init(&ws);
    ws.seed = 1;
    ws.sampler = &smp;
    double t0 = now();
    int st = mib_estimate(&data, &spec, &ws, &res, &err);
    double t = now() - t0;
    gsl_rng_free(sc.rng);
    if (st) {
        fprintf(stderr, "bench_neural: %s: %s\n", text, err.msg);
        exit(1);
    }
    return t;
}

int main(int argc, char **argv)
{
    static const char *const critics[] = {"separable", "concat", "bilinear"};
    int batches[8] = {64, 128, 256, 512}, nbatch = 4, user_batches = 0;
    double per_cell = 2.0;
    mib_blas_select_kernels(argv);
    mib_blas_set_threads(1);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--batch") == 0 && i + 1 < argc && user_batches < 8) {
            batches[user_batches++] = atoi(argv[++i]);
            nbatch = user_batches;
        } else {
            per_cell = atof(argv[i]);
        }
    }
    if (!(per_cell > 0)) {
        fprintf(stderr, "usage: bench_neural [SECONDS_PER_CELL] [--batch B]...\n");
        return 2;
    }
    mib_spec gs;
    mib_err err;
    mib_generator *gen;
    if (mib_generator_spec_parse("staircase:dim=20,levels=1,from=2", &gs, &err) ||
        mib_generator_alloc(&gs, &gen, &err)) {
        fprintf(stderr, "bench_neural: %s\n", err.msg);
        return 1;
    }
    double peak = sgemm_peak();
    printf("OpenBLAS kernels %s, 1 thread: sgemm peak %.1f GFLOP/s\n", mib_blas_core(), peak);
    printf("online InfoNCE, dim 20, hidden 256, layers 2, embed 32\n");
    printf("%-10s %6s %12s %10s %10s %8s\n", "critic", "batch", "steps/s", "ms/step",
           "GFLOP/s", "of peak");
    for (size_t c = 0; c < sizeof critics / sizeof critics[0]; c++)
        for (int b = 0; b < nbatch; b++) {
            int B = batches[b];
            /* a short run to size a run of about per_cell seconds */
            long steps = 2;
            double t = run(gen, critics[c], B, steps);
            steps = (long)(per_cell / (t / (double)steps));
            if (steps < 3)
                steps = 3;
            t = run(gen, critics[c], B, steps);
            mib_critic_cfg cfg = {.kind = (int)c, .dx = 20, .dy = 20, .hidden = 256,
                                  .layers = 2, .embed = 32, .bmax = (size_t)B};
            double rate = (double)steps / t, gf = rate * mib_critic_flops(&cfg, (size_t)B) / 1e9;
            printf("%-10s %6d %12.1f %10.3f %10.1f %7.0f%%\n", critics[c], B, rate, 1e3 / rate,
                   gf, 100 * gf / peak);
            fflush(stdout);
        }
    mib_generator_free(gen);
    return 0;
}
