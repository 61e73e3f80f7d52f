/* plugin.h - the discrete plug-in estimator type and its core, shared with
 * the histogram estimator (which bins, then calls the core), and the
 * plug-in entropy behind mib_entropy_plugin (entropy.c). */
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

/* The same for I(X;Y|Z), z n x dz (dz = 0: mib_plugin_mi): sum over
 * occupied cells of p ln(pz p / (pxz pyz)), plus, with mm, (Kxyz - Kxz -
 * Kyz + Kz) / (2n). */
int mib_plugin_cmi(size_t n, size_t dx, const double *x, size_t dy, const double *y,
                   size_t dz, const double *z, int mm, double *mi, mib_err *err);

/* Plug-in entropy (nats) of the rows of x (n x d), each row one symbol:
 * -sum p ln p over occupied symbols, plus, with mm, the Miller-Madow term
 * (K - 1) / (2n), K = occupied symbols. MIB_ENOMEM, MIB_ERESOURCE (n >=
 * 2^32). O(n d) expected. */
int mib_plugin_entropy(size_t n, size_t d, const double *x, int mm, double *h, mib_err *err);

#endif
