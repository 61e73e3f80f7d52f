/* square.h - internal entry of the `square` generator's quadrature, so the
 * tests can recompute its truth at another tolerance. */
#ifndef MIB_SQUARE_H
#define MIB_SQUARE_H

#include "mibench/status.h"

enum mib_square_dist { MIB_SQUARE_NORMAL, MIB_SQUARE_UNIFORM };

/* Default relative tolerance of the outer (entropy) integral. */
#define MIB_SQUARE_TOL 1e-9

/* I(X; X^2 + sigma E) in nats for X ~ N(0,1) or U(-1,1), the outer integral
 * to relative tolerance tol and the inner density integrals to tol / 100.
 * MIB_ENUMERIC (message in err) when a GSL quadrature fails. */
int mib_square_truth(int dist, double sigma, double tol, double *mi, mib_err *err);

#endif
