/* store.h - everything that touches HDF5 (only bench/store/ includes hdf5.h).
 *
 * Data files: datasets /x (n x dx) and /y (n x dy) of doubles, or CSV, as
 * written by `mibench sample` and for external estimators, and read by
 * `mibench estimate`.
 */
#ifndef MIB_STORE_H
#define MIB_STORE_H

#include <stddef.h>
#include <stdint.h>
#include "mibench/status.h"
#include "mibench/results.h"

/* Write x (n*dx) and y (n*dy) to a new HDF5 file at path (truncating). */
/* The type name of a canonical spec (the text before ':') into name. */
void mib_spec_name_copy(const char *spec, char *name, size_t len);

/* A row's generator_name and estimator_name from its specs, when empty. */
#define MIB_ROW_NAMES(row)                                                                    \
    do {                                                                                      \
        if (!(row)->generator_name[0])                                                        \
            mib_spec_name_copy((row)->generator, (row)->generator_name,                       \
                               sizeof (row)->generator_name);                                 \
        if (!(row)->estimator_name[0])                                                        \
            mib_spec_name_copy((row)->estimator, (row)->estimator_name,                       \
                               sizeof (row)->estimator_name);                                 \
    } while (0)

int mib_store_write_xy(const char *path, size_t n, size_t dx, const double *x,
                       size_t dy, const double *y, mib_err *err);
/* The same plus a conditioning block z (n*dz) as /z when dz > 0. */
int mib_store_write_xyz(const char *path, size_t n, size_t dx, const double *x, size_t dy,
                        const double *y, size_t dz, const double *z, mib_err *err);

/* Write x and y as CSV to path (truncating): a header of xname0..,
 * yname0.. ("x"/"y" for mibench sample, "X"/"Y" for bmi's protocol), then
 * one row per sample, 17 significant digits. */
int mib_store_write_csv(const char *path, size_t n, size_t dx, const double *x, size_t dy,
                        const double *y, const char *xname, const char *yname, mib_err *err);
/* The same plus dz columns zname0.. of z (n*dz) after y's (dz = 0: none). */
int mib_store_write_csv_xyz(const char *path, size_t n, size_t dx, const double *x, size_t dy,
                            const double *y, size_t dz, const double *z, const char *xname,
                            const char *yname, const char *zname, mib_err *err);

/* Read a 1-D or 2-D double dataset `name` from path: *out is malloc'd,
 * rows x cols (cols = 1 for 1-D). */
int mib_store_read_matrix(const char *path, const char *name, double **out,
                          size_t *rows, size_t *cols, mib_err *err);

/* The same from an HDF5 file held in memory (len bytes, read from a pipe
 * or standard input); label names it in messages. The image is copied. */
int mib_store_read_matrix_image(const void *image, size_t len, const char *label,
                                const char *name, double **out, size_t *rows, size_t *cols,
                                mib_err *err);

/* 1 if the HDF5 file at path (image NULL) or held in memory (image, len
 * bytes) has a link `name` (such as "z"), 0 otherwise or when unreadable. */
int mib_store_has_dataset(const char *path, const void *image, size_t len, const char *name);

/* 1 if path starts with the HDF5 signature, 0 otherwise (or unreadable).
 * It opens and reads path: use it on regular files only, since on a pipe
 * it would consume what it reads. */
int mib_store_is_hdf5(const char *path);

/* 1 if the len bytes at image carry the HDF5 signature where a file may
 * (offset 0, or 512, 1024, ... after a user block), else 0. */
int mib_store_is_hdf5_image(const void *image, size_t len);

/* Results files (layout in results.h). A writer creates every object at the
 * start, then only appends rows to the chunked /trials and /curves and
 * rewrites rows of the fixed-size /summary in place; mib_store_sync after
 * each record makes the file readable after a kill (see DESIGN.md). One
 * writer per file and per handle: callers serialise the calls. */
typedef struct mib_store mib_store;

/* Provenance stored as root attributes (mibench_version and git_commit
 * are added by the store). NULL strings are stored as "". */
typedef struct mib_store_meta {
    const char *command_line, *study_name, *study_text, *start_time, *host;
    const char *external_commands; /* "NAME = COMMAND" lines, or NULL */
    uint64_t master_seed;
    int32_t threads;
} mib_store_meta;

/* Create path (truncating any file there) with /cells filled from cells,
 * /summary from summary (one row per cell, in the same order; the harness
 * computes them), empty /trials and /curves, and the root attributes.
 * *out is NULL on failure. MIB_EIO when HDF5 refuses. */
int mib_store_create(const char *path, const mib_store_meta *meta,
                     const mib_cell_row *cells, const mib_summary_row *summary,
                     size_t ncells, mib_store **out, mib_err *err);

/* Append rows to /trials and /curves (either count may be 0). Not yet
 * flushed: call mib_store_sync. */
int mib_store_append(mib_store *s, const mib_trial_row *trials, size_t ntrials,
                     const mib_curve_row *curves, size_t ncurves, mib_err *err);

/* Overwrite /summary rows whose cell index is rows[i].cell. */
int mib_store_put_summary(mib_store *s, const mib_summary_row *rows, size_t count,
                          mib_err *err);

/* H5Fflush, then (durable != 0) fsync the file descriptor. */
int mib_store_sync(mib_store *s, int durable, mib_err *err);

/* Flush and close; accepts NULL. Returns the first failure. */
int mib_store_close(mib_store *s, mib_err *err);

#endif
