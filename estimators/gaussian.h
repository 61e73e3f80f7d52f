/* gaussian.h - the Gaussian (parametric) and Gaussian-copula estimator
 * types. The estimator symbols carry an _est_ infix so that they never
 * clash with the gaussian generator. */
#ifndef MIB_EST_GAUSSIAN_H
#define MIB_EST_GAUSSIAN_H
#include "mibench/estimator.h"

extern const mib_estimator_type mib_estimator_gaussian, mib_estimator_copula;

#endif
