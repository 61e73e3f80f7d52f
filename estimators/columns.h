/* columns.h - column helpers shared by the continuous estimators (KSG,
 * histogram, Gaussian/copula, KDE): the constant-column check every one of
 * them makes, moments, scaling into a copy, and ranks with averaged ties.
 * Internal to libmibench (not exported). Columns are named as the data
 * checks in registry.c name them: x0, x1, ..., y0, ..., z0, ... */
#ifndef MIB_COLUMNS_H
#define MIB_COLUMNS_H

#include <stddef.h>
#include "mibench/estimator.h"

/* MIB_EDATA naming the first column of x, y or z whose values are all
 * equal (such a column carries no information and has no scale); MIB_OK
 * when every column varies. O(n (dx + dy + dz)). */
int mib_columns_check_constant(const mib_data *data, mib_err *err);

/* Binary exponent e of column j's largest magnitude (max |a| in
 * [2^(e-1), 2^e)); 0 for an all-zero column. Scaling by 2^-e is exact. */
int mib_columns_exponent(const double *a, size_t n, size_t d, size_t j);

/* Mean and standard deviation (divisor n) of column j of a row-major n x d
 * block; two passes on the column scaled by 2^-e (exact), so any finite
 * values work, from 1e-300 to 1e300. */
void mib_columns_moments(const double *a, size_t n, size_t d, size_t j, double *mean,
                        double *sd);

/* order[0..n) = the row indices that sort column j of a row-major n x d
 * block ascending; stable (equal values keep row order), -0 before +0.
 * LSD radix sort on order-preserving 64-bit keys: O(n) time (at most 8
 * passes), 24 n bytes of scratch; MIB_ENOMEM (with err) if that fails. */
int mib_columns_order(const double *a, size_t n, size_t d, size_t j, size_t *order,
                     mib_err *err);

/* mib_columns_order, and when sorted is not NULL the column's values in
 * that order into sorted[0..n) (decoded from the sort's keys: no gather). */
int mib_columns_sort(const double *a, size_t n, size_t d, size_t j, size_t *order,
                     double *sorted, mib_err *err);

/* Ranks 1..n of column j of a row-major n x d block into ranks[n]; tied
 * values share the average of their ranks. Returns MIB_ENOMEM (with err)
 * when the sort's scratch cannot be allocated. O(n log n). */
int mib_columns_ranks(const double *a, size_t n, size_t d, size_t j, double *ranks,
                     mib_err *err);

#endif
