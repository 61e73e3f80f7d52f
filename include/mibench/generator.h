/* generator.h - synthetic data with known mutual information.
 *
 * A generator type is a const table (mib_type_info first, then function
 * pointers), listed in the generator registry mib_generator_registry.
 * An instance (mib_generator) is a type plus a validated spec plus private
 * state precomputed by init (e.g. the quadrature truth). sample() and
 * pmi() only read the state, so one instance serves many threads.
 * Samples are row-major doubles: x is n*dx, y is n*dy. MI is in nats.
 *
 * A generator may also draw a conditioning block Z (dz > 0, z is n*dz):
 * its truth is then I(X;Y|Z), its rows come from mib_generator_sample_z
 * (mib_generator_sample refuses it, so a caller that knows only x and y
 * never scores an I(X;Y) estimate against an I(X;Y|Z) truth) and its
 * pointwise value from mib_generator_pmi_z. Types with dz = 0 need none of
 * the new hooks; the library reads them only from a type whose init set
 * dz > 0, so types compiled before they existed keep working.
 *
 * A truth without a closed form may be a Monte-Carlo estimate (bmi's
 * mixtures): init then sets shape->truth_se, its standard error, which the
 * harness stores beside true_mi (true_mi_se) and the checks and plots use.
 * A type that leaves it zeroed, as every type compiled before it existed
 * does, has an exact truth.
 */
#ifndef MIBENCH_GENERATOR_H
#define MIBENCH_GENERATOR_H

#include <stddef.h>
#include <gsl/gsl_rng.h>
#include "mibench/export.h"
#include "mibench/param.h"
#include "mibench/registry.h"
#include "mibench/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The one integer-valued side of a mixed law (discrete_side). */
#define MIB_SIDE_X 1
#define MIB_SIDE_Y 2

typedef struct mib_generator_shape {
    size_t dx, dy;  /* dimensions of X and Y */
    int discrete;   /* 1: samples are small non-negative integers */
    size_t dz;      /* dimension of the conditioning block Z; 0 (left zeroed): none */
    int discrete_side; /* with discrete = 0: MIB_SIDE_X or MIB_SIDE_Y when that side
                          alone holds integers (a mixed law); 0 (left zeroed): none */
    double truth_se;   /* the standard error of truth() when it is a Monte-Carlo
                          estimate (bmi's mixtures: the mean of pmi over a fixed
                          sample drawn by init); 0 (left zeroed): truth() is exact
                          (closed form or quadrature) */
} mib_generator_shape;

typedef struct mib_generator_type {
    mib_type_info info;
    size_t state_size; /* bytes of private state given to init (zeroed) */
    /* Check cross-parameter rules, fill *shape and the state. */
    int (*init)(void *state, const mib_spec *spec, mib_generator_shape *shape,
                mib_err *err);
    /* Release anything init allocated inside the state; may be NULL. */
    void (*cleanup)(void *state);
    /* True MI in nats (I(X;Y|Z) when dz > 0). */
    int (*truth)(const void *state, double *mi, mib_err *err);
    /* Draw n rows. Reads state only; thread-safe per rng. */
    int (*sample)(const void *state, gsl_rng *r, size_t n, double *x,
                  double *y);
    /* Pointwise MI ln p(x,y) - ln p(x) - ln p(y) at one row (x has dx
     * values, y has dy). Its mean under the generator is the true MI; used
     * to cross-check truth() and as the optimal critic for neural bounds. */
    int (*pmi)(const void *state, const double *x, const double *y,
               double *out);
    /* Optional, for laws that change along training (the Poole et al.
     * staircase): n rows for training step `step` and the MI in force then.
     * NULL: the law is fixed; sample() and truth() are used. */
    int (*sample_step)(const void *state, gsl_rng *r, size_t step, size_t n,
                       double *x, double *y, double *truth);
    /* Required when init sets dz > 0 (read only then): n rows of x, y and
     * z (n*dz). truth() is then I(X;Y|Z) and sample may be NULL. */
    int (*sample_z)(const void *state, gsl_rng *r, size_t n, double *x, double *y,
                    double *z);
    /* Optional, read only when dz > 0: the pointwise conditional MI
     * ln p(x,y|z) - ln p(x|z) - ln p(y|z) at one row; its mean under the
     * generator is I(X;Y|Z). */
    int (*pmi_z)(const void *state, const double *x, const double *y, const double *z,
                 double *out);
} mib_generator_type;

typedef struct mib_generator {
    const mib_generator_type *type;
    mib_spec spec;
    size_t dx, dy;
    int discrete;
    void *state;
    size_t dz;      /* 0: no conditioning block */
    int discrete_side; /* MIB_SIDE_X, MIB_SIDE_Y or 0 (mib_generator_shape) */
    double truth_se;   /* SE of the truth in nats, 0 when exact (mib_generator_shape) */
} mib_generator;

/* The built-in generators (the only list of them, generators/registry.c). */
MIB_API extern const mib_registry mib_generator_registry;

/* The i-th built-in generator type, NULL past the end. */
MIB_API const mib_generator_type *mib_generator_at(size_t i);

/* Built-in type by name, or NULL. */
MIB_API const mib_generator_type *mib_generator_find(const char *name);

/* Parse "NAME[:k=v|v2,...]" and expand alternatives (mib_registry_expand
 * on mib_generator_registry). Unknown names get a message listing the
 * known ones. */
MIB_API int mib_generator_spec_expand(const char *text, mib_spec **out,
                                      size_t *count, mib_err *err);

/* Parse a spec that must not contain alternatives. */
MIB_API int mib_generator_spec_parse(const char *text, mib_spec *out,
                                     mib_err *err);

/* Instance lifecycle. alloc validates and precomputes; it refuses (status
 * MIB_EINVAL) a spec not made by a generator registry. free accepts NULL.
 * The other calls return MIB_EINVAL for NULL arguments. */
MIB_API int mib_generator_alloc(const mib_spec *spec, mib_generator **out,
                                mib_err *err);
MIB_API void mib_generator_free(mib_generator *g);
MIB_API int mib_generator_truth(const mib_generator *g, double *mi,
                                mib_err *err);
/* The standard error (nats) of mib_generator_truth's value: 0 for exact
 * truths, the Monte-Carlo SE for the laws whose truth is a Monte-Carlo
 * mean. MIB_EINVAL for NULL arguments. */
MIB_API int mib_generator_truth_se(const mib_generator *g, double *se);
/* n rows of x and y; MIB_EUNSUPPORTED for a generator with dz > 0 (use
 * mib_generator_sample_z). */
MIB_API int mib_generator_sample(const mib_generator *g, gsl_rng *r,
                                 size_t n, double *x, double *y);
/* n rows of x, y and, when g->dz > 0, z (n*dz; ignored and may be NULL
 * when dz = 0, where this is mib_generator_sample). Any generator. */
MIB_API int mib_generator_sample_z(const mib_generator *g, gsl_rng *r, size_t n, double *x,
                                   double *y, double *z);
/* Rows for training step `step` and the MI in force (online training). */
MIB_API int mib_generator_sample_step(const mib_generator *g, gsl_rng *r,
                                      size_t step, size_t n, double *x,
                                      double *y, double *truth);
MIB_API int mib_generator_pmi(const mib_generator *g, const double *x,
                              const double *y, double *out);
/* The pointwise value whose mean is the truth: mib_generator_pmi for dz =
 * 0 (z ignored), the type's pmi_z for dz > 0 (MIB_EUNSUPPORTED without
 * one). MIB_EINVAL for NULL arguments (z may be NULL when dz = 0). */
MIB_API int mib_generator_pmi_z(const mib_generator *g, const double *x, const double *y,
                                const double *z, double *out);

#ifdef __cplusplus
}
#endif
#endif
