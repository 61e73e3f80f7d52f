/* gaussian.h - the correlated Gaussian row that gaussian, student and
 * staircase all draw (internal to the generators). */
#ifndef MIB_GEN_GAUSSIAN_H
#define MIB_GEN_GAUSSIAN_H

#include <stddef.h>
#include <gsl/gsl_rng.h>

/* Largest MI per coordinate a sample can carry: at I/d nats the noise
 * scale is sqrt(1 - rho^2) = e^(-I/d), 3e-7 at 15, which leaves y = rho x
 * + s e about 30 bits of noise; near 36 nats the noise is below double
 * rounding and y copies x bit for bit while the truth still says I. */
#define MIB_GAUSSIAN_MAX_MI_PER_DIM 15.0

/* One row: x_j ~ N(0, 1), y_j = rho x_j + s e_j with s = sqrt(1 - rho^2),
 * for j < d. The draw order (x_j, then e_j, per coordinate) fixes every
 * stored sample; changing it changes results files and baselines. */
void mib_gaussian_row(gsl_rng *r, double rho, double s, size_t d, double *x, double *y);

#endif
