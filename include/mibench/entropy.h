/* entropy.h - entropy of one block of samples (nats): the Kozachenko-
 * Leonenko k-NN differential entropy (max-norm or Euclidean), the discrete
 * plug-in entropy (optional Miller-Madow correction) and the Gaussian
 * entropy of the sample covariance. The data are n row-major rows of d
 * columns. Every function validates its arguments as mib_estimate does
 * (NULL pointers, d = 0, n too small, NaN/Inf, non-integers for the
 * plug-in) and returns a status with one line in err; *h is NAN on any
 * failure. Never prints, never aborts. `mibench entropy` calls these.
 */
#ifndef MIBENCH_ENTROPY_H
#define MIBENCH_ENTROPY_H

#include <stddef.h>
#include "mibench/export.h"
#include "mibench/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The norm of the k-NN entropy. */
enum mib_entropy_norm {
    MIB_NORM_MAX = 0,   /* max-norm (Chebyshev), unit-ball volume 2^d (KSG's) */
    MIB_NORM_EUCLID = 1 /* Euclidean, unit-ball volume pi^(d/2) / Gamma(d/2 + 1) */
};

/* Kozachenko-Leonenko: H = psi(n) - psi(k) + ln c_d + (d / n) sum ln eps_i,
 * eps_i the distance from row i to its k-th nearest other row (a radius)
 * and c_d the volume of the norm's unit ball (radius 1). 1 <= k < n;
 * threads <= 0 means 1 (the result is the same for any count). MIB_EINVAL
 * (NULL, d = 0, k = 0, unknown norm), MIB_ESMALL (n <= k), MIB_EDATA
 * (non-finite values; k or more exact duplicates of a row, whose ln 0 has
 * no finite answer). O(n log n) on a KD-tree. */
MIB_API int mib_entropy_kl(const double *x, size_t n, size_t d, size_t k, int norm,
                           int threads, double *h, mib_err *err);

/* Plug-in entropy of the rows of x as symbols (a row is one symbol):
 * -sum p ln p, plus with miller_madow (K - 1) / (2n), K the distinct rows.
 * Needs integer values (MIB_EDATA otherwise) and n >= 1. O(n d). */
MIB_API int mib_entropy_plugin(const double *x, size_t n, size_t d, int miller_madow,
                               double *h, mib_err *err);

/* Gaussian entropy of the sample covariance S (divisor n - 1, as numpy.cov):
 * 1/2 ln((2 pi e)^d det S). Needs n > d (MIB_ESMALL) and a non-singular S
 * (MIB_EDATA, also for a constant column). Any finite scale (1e-300 to
 * 1e300). O(n d^2 + d^3). */
MIB_API int mib_entropy_gaussian(const double *x, size_t n, size_t d, double *h, mib_err *err);

#ifdef __cplusplus
}
#endif
#endif
