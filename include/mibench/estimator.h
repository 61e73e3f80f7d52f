/* estimator.h - mutual-information estimators.
 *
 * An estimator type is a const table (mib_type_info first), listed in the
 * estimator registry mib_estimator_registry. estimate() gets arrays, a
 * validated spec and a workspace (threads, seed, optional online sampler
 * and curve sink) and returns a status; it knows nothing of files, sweeps
 * or generators. Estimates are in nats and reported raw (never clamped).
 */
#ifndef MIBENCH_ESTIMATOR_H
#define MIBENCH_ESTIMATOR_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include "mibench/export.h"
#include "mibench/param.h"
#include "mibench/registry.h"
#include "mibench/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Row-major samples: x is n*dx, y is n*dy. An optional conditioning block
 * z (n*dz) asks for I(X;Y|Z) instead of I(X;Y): dz = 0 (z unused, may be
 * NULL) is plain MI, so initialisers that name only the first fields keep
 * their meaning. Only MIB_EST_CONDITIONAL estimators take dz > 0. */
typedef struct mib_data {
    size_t n, dx, dy;
    const double *x, *y;
    size_t dz;          /* columns of z; 0: no conditioning */
    const double *z;    /* n*dz, or NULL when dz = 0 */
} mib_data;

/* A source of fresh samples (online training, Poole et al. 2019). A neutral
 * callback so estimators never see generators. */
typedef struct mib_sampler {
    size_t dx, dy;
    void *ctx;
    /* n fresh rows for training step `step` (0-based); *truth receives the
     * MI in force at that step, or NAN when unknown. */
    int (*draw)(void *ctx, size_t step, size_t n, double *x, double *y,
                double *truth);
} mib_sampler;

/* Receives a training curve point: the bound after every training step, in
 * online mode (truth: the MI in force) and in dataset mode (truth NAN), so
 * a caller can also show progress. May return non-zero to stop training. */
typedef struct mib_curve_sink {
    void *ctx;
    int (*point)(void *ctx, size_t step, double estimate, double truth);
} mib_curve_sink;

/* Per-call context, owned by the caller (one per thread). */
typedef struct mib_workspace {
    int threads;             /* OpenMP threads the estimator may use (>= 1) */
    uint64_t seed;           /* seed for the estimator's own randomness */
    const mib_sampler *sampler;  /* online mode source, or NULL */
    mib_curve_sink curve;    /* curve.point may be NULL */
    volatile sig_atomic_t *stop; /* non-NULL and set: stop early (MIB_EINTR) */
} mib_workspace;

/* Result flags: things a careful user wants to know. */
#define MIB_RES_JITTER   0x01u /* a tie-breaking jitter was added */
#define MIB_RES_TIES     0x02u /* duplicate points were found */
#define MIB_RES_CAPPED   0x04u /* the bound hit its ceiling (InfoNCE: ln B) */
#define MIB_RES_EARLYSTOP 0x08u /* training stopped early on validation */
#define MIB_RES_CONSTANT 0x10u /* a constant column was seen */

typedef struct mib_result {
    double mi;        /* estimate in nats */
    unsigned flags;   /* MIB_RES_* */
    long steps;       /* training steps run (neural), else 0 */
} mib_result;

/* Estimator type flags. */
#define MIB_EST_DISCRETE 0x01u /* needs integer-valued data */
#define MIB_EST_ONLINE   0x02u /* can train from a mib_sampler */
#define MIB_EST_MIXED    0x04u /* one side integer (discrete), the other continuous, as
                                * the spec says: estimate() checks the sides itself */
#define MIB_EST_CONDITIONAL 0x08u /* also estimates I(X;Y|Z) when data->dz > 0; without
                                   * it, mib_estimate refuses dz > 0 */

typedef struct mib_estimator_type {
    mib_type_info info;
    unsigned flags; /* MIB_EST_* */
    int (*estimate)(const mib_data *data, const mib_spec *spec,
                    const mib_workspace *ws, mib_result *res, mib_err *err);
    /* Bytes of working memory for n rows, to refuse a trial before it runs
     * out of memory; NULL means a small multiple of the input. */
    double (*memory)(const mib_spec *spec, size_t n, size_t dx, size_t dy);
    /* Rows per training batch that this spec uses, for the results' cell
     * key and the ln B ceiling of batch bounds; NULL: 0 (not batched). */
    size_t (*batch_size)(const mib_spec *spec);
    /* 1 when this spec trains online from a mib_sampler (fresh rows every
     * step) rather than from the arrays; NULL: never (requires
     * MIB_EST_ONLINE otherwise). */
    int (*online)(const mib_spec *spec);
    /* Expected seconds of one estimate of n rows on one core: a rough model
     * (a factor of 2 is fine) that orders a sweep's trials, largest first,
     * and weights its ETA; NULL: 1e-8 n (dx + dy). */
    double (*cost)(const mib_spec *spec, size_t n, size_t dx, size_t dy);
} mib_estimator_type;

/* The built-in estimators (the only list of them, estimators/registry.c). */
MIB_API extern const mib_registry mib_estimator_registry;

/* The i-th built-in estimator type, NULL past the end. */
MIB_API const mib_estimator_type *mib_estimator_at(size_t i);

/* Built-in type by name, or NULL. */
MIB_API const mib_estimator_type *mib_estimator_find(const char *name);

/* "a, b or c" into buf (len bytes, always NUL-terminated, cut if short):
 * the built-in estimators that take a conditioning block Z. */
MIB_API void mib_estimator_conditional_names(char *buf, size_t len);

/* mib_registry_expand / mib_registry_parse on mib_estimator_registry. */
MIB_API int mib_estimator_spec_expand(const char *text, mib_spec **out,
                                      size_t *count, mib_err *err);
MIB_API int mib_estimator_spec_parse(const char *text, mib_spec *out,
                                     mib_err *err);

/* The type behind an estimator spec, or NULL (with err filled, status
 * MIB_EINVAL) when spec was not made by an estimator registry. */
MIB_API const mib_estimator_type *mib_estimator_type_of(const mib_spec *spec,
                                                        mib_err *err);

/* spec's batch size (0 when not batched) and online mode (0 or 1); 0 for
 * a spec that is not an estimator spec. */
MIB_API size_t mib_estimator_batch_size(const mib_spec *spec);
MIB_API int mib_estimator_online(const mib_spec *spec);

/* spec's expected seconds for n rows of dx + dy columns (its type's cost
 * hook, or the default above); 0 for a spec that is not an estimator's. */
MIB_API double mib_estimator_cost(const mib_spec *spec, size_t n, size_t dx, size_t dy);

/* Default workspace: 1 thread, seed 0, no sampler, no curve. */
MIB_API void mib_workspace_init(mib_workspace *ws);

/* Validate the arguments (NULL pointers, a spec of an estimator registry,
 * a workspace with threads >= 1), the data (n, dims, finite values,
 * integers for discrete estimators, in x, y and z alike; dz > 0 only for
 * MIB_EST_CONDITIONAL types, else MIB_EUNSUPPORTED) and run the estimator
 * of spec: I(X;Y), or I(X;Y|Z) when data->dz > 0. The
 * single entry point the CLI and the runner use. Never aborts: every
 * refusal is a status with a message. */
MIB_API int mib_estimate(const mib_data *data, const mib_spec *spec,
                         const mib_workspace *ws, mib_result *res,
                         mib_err *err);

/* The common case in one call: parse spec (e.g. "ksg1:k=5"), estimate on
 * n row-major rows of x (n*dx) and y (n*dy) with `threads` threads (0: 1)
 * and seed 0, and put the estimate in nats into *mi. Every status of
 * mib_estimator_spec_parse and mib_estimate, with err filled. */
MIB_API int mib_estimate_text(const char *spec, const double *x, const double *y, size_t n,
                              size_t dx, size_t dy, int threads, double *mi, mib_err *err);

#ifdef __cplusplus
}
#endif
#endif
