/* bmi_transform.h - the injective maps bmi's benchmark applies to its base
 * laws (Czyz et al. 2023, bmi.benchmark.tasks), with their compositions as
 * the task list uses them, each with its exact inverse (pmi() inverts, then
 * uses the base law's pointwise MI, which injective maps of X alone and of
 * Y alone leave unchanged). Unlike transform.h, a map may differ between X
 * and Y (wiggly, bimodal, spiral) and may change the dimension (swissroll).
 * Internal to the generators. */
#ifndef MIB_GEN_BMI_TRANSFORM_H
#define MIB_GEN_BMI_TRANSFORM_H

#include <stddef.h>
#include "mibench/status.h"

enum mib_bmi_tf {
    MIB_BMI_NONE,       /* identity */
    MIB_BMI_CDF,        /* standard normal CDF per coordinate (normal_cdfise) */
    MIB_BMI_HALFCUBE,   /* v |v|^(1/2) per coordinate */
    MIB_BMI_ASINH,      /* asinh per coordinate */
    MIB_BMI_WIGGLY,     /* bmi's wiggly_x on X, wiggly_y on Y, per coordinate */
    MIB_BMI_SPIRAL,     /* v -> exp(speed ||v||^2 A) v, A the so(n) generator of the
                           plane (0,1) on X and (1,2) on Y (spiralise) */
    MIB_BMI_CDF_SPIRAL, /* cdf, then spiral (spiralise(normal_cdfise(...))) */
    MIB_BMI_BIMODAL,    /* cdf, then the quantile function of a two-component
                           normal mixture: 0.3 N(0,1) + 0.7 N(5,1) on X,
                           0.5 N(-1,1) + 0.5 N(3,1) on Y (task_bimodal_gaussians) */
    MIB_BMI_SWISSROLL,  /* cdf on both, then X (1-D) -> the 2-D Swiss roll
                           (t cos t, t sin t) / 21, t = 1.5 pi (1 + 2 u) */
    MIB_BMI_COUNT
};

/* bmi's default spiral speed (transform_spiral_task). */
#define MIB_BMI_SPIRAL_SPEED (1.0 / 3.0)

/* Choice words in enum order, NULL-terminated. */
extern const char *const mib_bmi_tf_names[];

enum { MIB_BMI_X, MIB_BMI_Y };

/* Check that map t fits the base dimensions (spiral: dx >= 2 and dy >= 3,
 * as bmi asserts; swissroll: dx = 1). MIB_EINVAL naming gen otherwise. */
int mib_bmi_tf_check(int t, size_t dx, size_t dy, const char *gen, mib_err *err);

/* Dimension of side `side` (MIB_BMI_X or MIB_BMI_Y) after map t. */
size_t mib_bmi_tf_dim(int t, int side, size_t d);

/* Apply t to one vector of d base values in place; v has room for
 * mib_bmi_tf_dim(t, side, d) values. MIB_ENUMERIC if a root search fails. */
int mib_bmi_tf_apply(int t, int side, double speed, double *v, size_t d);

/* Undo t: w holds mib_bmi_tf_dim(t, side, d) values, v receives d base
 * values (v may equal w). MIB_EDATA when w is outside the map's image. */
int mib_bmi_tf_invert(int t, int side, double speed, const double *w, size_t d, double *v);

#endif
