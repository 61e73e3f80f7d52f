/* gaussian.h - the correlated Gaussian row that gaussian, student and
 * staircase all draw (internal to the generators). */
#ifndef MIB_GEN_GAUSSIAN_H
#define MIB_GEN_GAUSSIAN_H

#include <stddef.h>
#include <gsl/gsl_rng.h>

/* One row: x_j ~ N(0, 1), y_j = rho x_j + s e_j with s = sqrt(1 - rho^2),
 * for j < d. The draw order (x_j, then e_j, per coordinate) fixes every
 * stored sample; changing it changes results files and baselines. */
void mib_gaussian_row(gsl_rng *r, double rho, double s, size_t d, double *x, double *y);

#endif
