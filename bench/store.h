/* store.h - everything that touches HDF5 (only store_*.c include hdf5.h).
 *
 * Data files: datasets /x (n x dx) and /y (n x dy) of doubles, as written
 * by `mibench sample` and read by `mibench estimate`.
 */
#ifndef MIB_STORE_H
#define MIB_STORE_H

#include <stddef.h>
#include "mibench/status.h"

/* Write x (n*dx) and y (n*dy) to a new HDF5 file at path (truncating). */
int mib_store_write_xy(const char *path, size_t n, size_t dx, const double *x,
                       size_t dy, const double *y, mib_err *err);

/* Read a 1-D or 2-D double dataset `name` from path: *out is malloc'd,
 * rows x cols (cols = 1 for 1-D). */
int mib_store_read_matrix(const char *path, const char *name, double **out,
                          size_t *rows, size_t *cols, mib_err *err);

/* 1 if path starts with the HDF5 signature, 0 otherwise (or unreadable). */
int mib_store_is_hdf5(const char *path);

#endif
