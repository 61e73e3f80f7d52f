/* transform.h - injective smooth maps applied to X and to Y separately by
 * the gaussian generator (MI is invariant under them). Each has a forward
 * map and its exact inverse; pmi() inverts before using Gaussian formulas,
 * which is also what proves each map is injective. Internal to the library.
 */
#ifndef MIB_TRANSFORM_H
#define MIB_TRANSFORM_H

#include <stddef.h>

enum mib_transform {
    MIB_TF_NONE,     /* identity */
    MIB_TF_CUBIC,    /* v^3 (Song & Ermon 2020) */
    MIB_TF_ASINH,    /* asinh v */
    MIB_TF_HALFCUBE, /* v |v|^(1/2) */
    MIB_TF_WIGGLY,   /* v + a sin(b v), a = MIB_WIGGLY_A, b = MIB_WIGGLY_B */
    MIB_TF_CDF,      /* standard normal CDF: uniform marginals */
    MIB_TF_SPIRAL,   /* rotation of the whole vector by MIB_SPIRAL_SPEED ||v||^2 */
    MIB_TF_COUNT
};

/* wiggly: a*b = 0.8 < 1, so the slope 1 + a b cos(b v) stays in [0.2, 1.8]. */
#define MIB_WIGGLY_A 0.4
#define MIB_WIGGLY_B 2.0
/* spiral: rotation angle in radians per unit of squared norm. */
#define MIB_SPIRAL_SPEED 0.5

/* Choice words in enum order, NULL-terminated (the gaussian parameter table). */
extern const char *const mib_transform_names[];

/* Apply transform t in place to one vector of d values. */
void mib_transform_apply(int t, double *v, size_t d);

/* Undo transform t in place. Returns 0, or -1 when v is outside the map's
 * image (e.g. a cdf value outside (0, 1)) and cannot be inverted. */
int mib_transform_invert(int t, double *v, size_t d);

#endif
