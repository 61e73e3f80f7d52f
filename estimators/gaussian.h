/* gaussian.h - the Gaussian (parametric) and Gaussian-copula estimator
 * types. The estimator symbols carry an _est_ infix so that they never
 * clash with the gaussian generator. */
#ifndef MIB_EST_GAUSSIAN_H
#define MIB_EST_GAUSSIAN_H
#include "mibench/estimator.h"

extern const mib_estimator_type mib_estimator_gaussian, mib_estimator_copula;

/* ln det of the m x m diagonal block at offset off of the d x d symmetric
 * positive-definite r (lower triangle read) into *out, by Cholesky;
 * MIB_EDATA naming the first column that depends on those before it,
 * MIB_ENOMEM. O(m^3). Used by the Gaussian entropy too. */
int mib_logdet_block(const double *r, size_t d, size_t off, size_t m, double *out, mib_err *err);

#endif
