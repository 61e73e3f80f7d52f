/* cost.h - rough cost models for the estimators' cost hook (estimator.h):
 * expected seconds of one estimate on one core of this kind of machine,
 * fitted to measured trial times to within a factor of about 1.5. They order
 * a sweep's trials (largest first) and weight its ETA; nothing else. */
#ifndef MIB_EST_COST_H
#define MIB_EST_COST_H
#include <stddef.h>
#include "mibench/registry.h"

/* One pass over the data (plug-in, histogram): ~3e-8 s per value. */
double mib_cost_linear(const mib_spec *spec, size_t n, size_t dx, size_t dy);
/* Covariance of [x y] (gaussian), plus a sort per column (copula). */
double mib_cost_covariance(const mib_spec *spec, size_t n, size_t dx, size_t dy);
double mib_cost_ranks(const mib_spec *spec, size_t n, size_t dx, size_t dy);
/* KD-tree k-NN queries in the joint space and counts in the marginals
 * (KSG and its relatives): ~2.5e-8 s per n log2 n per dimension (KSG-1,
 * 1+1-D, N = 1e4: 6.7 ms). */
double mib_cost_knn(const mib_spec *spec, size_t n, size_t dx, size_t dy);
/* Every pair of rows (KDE): ~6e-9 s per pair per dimension (N = 3000: 0.10 s). */
double mib_cost_pairs(const mib_spec *spec, size_t n, size_t dx, size_t dy);

#endif
