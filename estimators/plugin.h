/* plugin.h - the discrete plug-in estimator type and its core, shared with
 * the histogram estimator (which bins, then calls the core). */
#ifndef MIB_PLUGIN_H
#define MIB_PLUGIN_H
#include "mibench/estimator.h"

extern const mib_estimator_type mib_estimator_plugin;

/* Plug-in MI (nats) of the joint distribution of the rows of x (n x dx)
 * and y (n x dy), each row one symbol (values compared exactly, -0 == 0):
 * sum over occupied cells of p ln(p / (px py)), plus, with mm, the
 * Miller-Madow term (Kxy - Kx - Ky + 1) / (2n), K = occupied cells.
 * MIB_ENOMEM on allocation failure.
 * O(n (dx + dy)) expected (hashing). */
int mib_plugin_mi(size_t n, size_t dx, const double *x, size_t dy, const double *y, int mm,
                  double *mi, mib_err *err);

#endif
