/* bench_neural.c - training throughput of the neural critics: steps/s of an
 * online InfoNCE trial (fresh dim-20 Gaussian batches, hidden 256, 2 layers,
 * embed 32) for each critic at B = 64 ... 512, the achieved GFLOP/s of the
 * critic's matrix products against this machine's single-thread sgemm peak
 * (measured here first), and a per-phase breakdown of one step (sampling,
 * forward, bound, backward, Adam) timed on the library's own kernels.
 * One thread unless --threads T (then the estimate gets T threads and the
 * table also prints the speed-up over one). Re-executes itself with
 * OpenBLAS's fast kernels (blas_kernels.h). Run it niced on a shared
 * machine; figures from a busy machine are lower bounds.
 * usage: bench_neural [SECONDS_PER_CELL (2)] [--batch B]... [--critic C]...
 *                     [--threads T] [--no-phases]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cblas.h>
#include "bench/cli/blas_kernels.h"
#include "mibench/mibench.h"
#include "estimators/neural/bounds.h"
#include "estimators/neural/critic.h"
#include "estimators/neural/mlp.h"

/* Seconds of CPU time of this process. One-thread figures are taken in
 * CPU time, which a busy shared machine disturbs far less than wall time
 * (it still costs cache); multi-thread speed-ups need wall time (wall()). */
static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double wall(void)
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

/* Seconds for `steps` online InfoNCE steps (no held-out pass: eval=steps):
 * CPU seconds, or wall seconds when by_wall. */
static double run(mib_generator *gen, const char *critic, int B, long steps, int threads,
                  int by_wall)
{
    char text[256];
    mib_spec spec;
    mib_err err;
    mib_result res;
    mib_workspace ws;
    sampler_ctx sc = {gen, mib_rng_alloc(7)};
    mib_sampler smp = {gen->dx, gen->dy, &sc, draw};
    mib_data data = {.n = (size_t)B, .dx = gen->dx, .dy = gen->dy};
    snprintf(text, sizeof text, "infonce:critic=%s,batch=%d,steps=%ld,eval=%ld,online=1", critic,
             B, steps, steps);
    if (mib_estimator_spec_parse(text, &spec, &err)) {
        fprintf(stderr, "bench_neural: %s\n", err.msg);
        exit(1);
    }
    mib_workspace_init(&ws);
    ws.seed = 1;
    ws.sampler = &smp;
    ws.threads = threads;
    double t0 = by_wall ? wall() : now();
    int st = mib_estimate(&data, &spec, &ws, &res, &err);
    double t = (by_wall ? wall() : now()) - t0;
    gsl_rng_free(sc.rng);
    if (st) {
        fprintf(stderr, "bench_neural: %s: %s\n", text, err.msg);
        exit(1);
    }
    return t;
}

/* Steps/s of a run of about per_cell seconds (sized by a short run). */
static double rate_of(mib_generator *gen, const char *critic, int B, double per_cell, int threads,
                      int by_wall)
{
    long steps = 3;
    double t = run(gen, critic, B, steps, threads, by_wall);
    steps = (long)(per_cell / (t / (double)steps));
    if (steps < 3)
        steps = 3;
    return (double)steps / run(gen, critic, B, steps, threads, by_wall);
}

enum { PH_SAMPLE, PH_FORWARD, PH_BOUND, PH_BACKWARD, PH_ADAM, PH_N };
static const char *const phase_names[PH_N] = {"sample", "forward", "bound", "backward", "adam"};

/* Microseconds per step in each phase of the training step that neural.c
 * runs (the same calls, one thread), median-free: the total over steps
 * after two warm-up steps. */
static void phases(mib_generator *gen, const mib_critic_cfg *cfg, size_t B, double per_cell,
                   double *us)
{
    gsl_rng *init = mib_rng_alloc(1), *r = mib_rng_alloc(7);
    mib_critic *c = mib_critic_alloc(cfg, init);
    mib_params *prm = c ? mib_critic_params(c) : NULL;
    mib_adam adam;
    mib_bound bound = {.kind = MIB_BOUND_INFONCE};
    double *xd = malloc(B * cfg->dx * sizeof *xd), *yd = malloc(B * cfg->dy * sizeof *yd);
    float *x = malloc(B * cfg->dx * sizeof *x), *y = malloc(B * cfg->dy * sizeof *y);
    float *T = malloc(B * B * sizeof *T), *dT = malloc(B * B * sizeof *dT);
    if (!c || !xd || !yd || !x || !y || !T || !dT || mib_adam_init(&adam, prm->n, 5e-4)) {
        fprintf(stderr, "bench_neural: out of memory\n");
        exit(1);
    }
    double acc[PH_N] = {0}, t0 = now(), start = t0;
    long steps = 0;
    for (long s = 0; s < 2 || now() - start < per_cell; s++) {
        double truth, t[PH_N + 1];
        t[0] = now();
        mib_generator_sample_step(gen, r, (size_t)s, B, xd, yd, &truth);
        for (size_t i = 0; i < B * cfg->dx; i++)
            x[i] = (float)xd[i];
        for (size_t i = 0; i < B * cfg->dy; i++)
            y[i] = (float)yd[i];
        t[1] = now();
        mib_critic_scores(c, B, x, y, T);
        t[2] = now();
        mib_bound_train(&bound, B, T, dT);
        t[3] = now();
        mib_critic_backward(c, B, x, y, dT);
        t[4] = now();
        mib_adam_step(&adam, prm);
        t[5] = now();
        if (s < 2) {
            start = now();
            continue;
        }
        for (int p = 0; p < PH_N; p++)
            acc[p] += t[p + 1] - t[p];
        steps++;
    }
    for (int p = 0; p < PH_N; p++)
        us[p] = 1e6 * acc[p] / (double)steps;
    mib_adam_free(&adam);
    mib_critic_free(c);
    gsl_rng_free(init);
    gsl_rng_free(r);
    free(xd);
    free(yd);
    free(x);
    free(y);
    free(T);
    free(dT);
}

int main(int argc, char **argv)
{
    static const char *const all_critics[] = {"separable", "concat", "bilinear"};
    const char *critics[3];
    int ncritic = 0, batches[8] = {64, 128, 256, 512}, nbatch = 4, user_batches = 0;
    int threads = 1, show_phases = 1;
    double per_cell = 2.0;
    mib_blas_select_kernels(argv);
    mib_blas_set_threads(1);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--batch") == 0 && i + 1 < argc && user_batches < 8) {
            batches[user_batches++] = atoi(argv[++i]);
            nbatch = user_batches;
        } else if (strcmp(argv[i], "--critic") == 0 && i + 1 < argc && ncritic < 3) {
            critics[ncritic++] = argv[++i];
        } else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
            threads = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--no-phases") == 0) {
            show_phases = 0;
        } else {
            per_cell = atof(argv[i]);
        }
    }
    if (!(per_cell > 0) || threads < 1) {
        fprintf(stderr, "usage: bench_neural [SECONDS_PER_CELL] [--batch B]... [--critic C]... "
                        "[--threads T] [--no-phases]\n");
        return 2;
    }
    if (!ncritic)
        for (; ncritic < 3; ncritic++)
            critics[ncritic] = all_critics[ncritic];
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
    printf("online InfoNCE, dim 20, hidden 256, layers 2, embed 32; estimate on %d thread(s)\n",
           threads);
    printf("%-10s %6s %12s %10s %10s %8s", "critic", "batch", "steps/s", "ms/step", "GFLOP/s",
           "of peak");
    if (threads > 1)
        printf(" %12s %8s", "1-thread/s", "speed-up"); /* both in wall time */
    printf("\n");
    for (int c = 0; c < ncritic; c++) {
        int kind = -1;
        for (int k = 0; k < 3; k++)
            if (strcmp(critics[c], all_critics[k]) == 0)
                kind = k;
        if (kind < 0) {
            fprintf(stderr, "bench_neural: unknown critic %s\n", critics[c]);
            return 2;
        }
        for (int b = 0; b < nbatch; b++) {
            int B = batches[b];
            double rate = rate_of(gen, critics[c], B, per_cell, threads, threads > 1);
            mib_critic_cfg cfg = {.kind = kind, .dx = 20, .dy = 20, .hidden = 256,
                                  .layers = 2, .embed = 32, .bmax = (size_t)B};
            double gf = rate * mib_critic_flops(&cfg, (size_t)B) / 1e9;
            printf("%-10s %6d %12.1f %10.3f %10.1f %7.0f%%", critics[c], B, rate, 1e3 / rate,
                   gf, 100 * gf / peak);
            if (threads > 1) {
                double one = rate_of(gen, critics[c], B, per_cell, 1, 1);
                printf(" %12.1f %7.2fx", one, rate / one);
            }
            printf("\n");
            fflush(stdout);
        }
    }
    if (show_phases) {
        printf("\nper-phase breakdown of one training step (1 thread, us/step; %% of the step)\n");
        printf("%-10s %6s", "critic", "batch");
        for (int p = 0; p < PH_N; p++)
            printf(" %15s", phase_names[p]);
        printf(" %10s\n", "total");
        for (int c = 0; c < ncritic; c++)
            for (int b = 0; b < nbatch; b++) {
                int kind = 0;
                for (int k = 0; k < 3; k++)
                    if (strcmp(critics[c], all_critics[k]) == 0)
                        kind = k;
                mib_critic_cfg cfg = {.kind = kind, .dx = 20, .dy = 20, .hidden = 256,
                                      .layers = 2, .embed = 32, .bmax = (size_t)batches[b]};
                double us[PH_N], total = 0;
                phases(gen, &cfg, (size_t)batches[b], per_cell, us);
                for (int p = 0; p < PH_N; p++)
                    total += us[p];
                printf("%-10s %6d", critics[c], batches[b]);
                for (int p = 0; p < PH_N; p++)
                    printf(" %8.1f (%3.0f%%)", us[p], 100 * us[p] / total);
                printf(" %10.1f\n", total);
                fflush(stdout);
            }
    }
    mib_generator_free(gen);
    return 0;
}
