/* journal.h - the append-only text journal beside a results file
 * (OUT.h5.journal), from which /trials and /curves can be rebuilt when the
 * HDF5 file is damaged. Each finished trial is one write() of its curve
 * lines and then its trial line, followed by fsync, before the trial goes
 * into the HDF5 file; so the journal always holds every trial the HDF5 file
 * holds. Lines (tab-separated, numbers as %.17g, "nan" for NaN), each
 * ending with a CRC-32 of the line before it, as 8 hex digits:
 *     mibench-journal 2  SEED  NCELLS  START_TIME
 *     cell   I  N  BATCH  TRUE_MI  GENERATOR  ESTIMATOR
 *     curve  CELL  REPLICATE  STEP  ESTIMATE  TRUE_MI
 *     trial  CELL  REPLICATE  SEED  ESTIMATE  SECONDS  CPU_SECONDS  STATUS  MESSAGE
 * A reader drops a torn last line, and skips (and counts) any line whose
 * checksum or fields are wrong; curve lines whose trial line is missing
 * are left for the caller to drop (it keeps curves of trials it keeps).
 * Journals of version 1 (no checksums) are read up to their first bad
 * line.
 */
#ifndef MIB_JOURNAL_H
#define MIB_JOURNAL_H

#include <stddef.h>
#include <stdint.h>
#include "mibench/status.h"
#include "mibench/results.h"

typedef struct mib_journal mib_journal;

/* Create path (truncating) and write the header and cell lines, fsync'd. */
int mib_journal_create(const char *path, uint64_t seed, const char *start_time,
                       const mib_cell_row *cells, size_t ncells,
                       mib_journal **out, mib_err *err);

/* Append one trial and its curve points (ncurves may be 0) with one
 * write(); then fsync when durable. */
int mib_journal_append(mib_journal *j, const mib_trial_row *t,
                       const mib_curve_row *curves, size_t ncurves, int durable,
                       mib_err *err);

/* fsync what has been written. */
int mib_journal_sync(mib_journal *j, mib_err *err);

/* Close; accepts NULL. */
int mib_journal_close(mib_journal *j, mib_err *err);

/* Read a journal into out (cells, trials, curves, master_seed; trial rows
 * completed from their cell lines) and its start time into start_time.
 * MIB_EIO when unreadable, MIB_EFORMAT when the header or cell table is
 * malformed. A torn tail is not an error: *complete is set to 0. Lines
 * that fail their checksum or do not parse are skipped and counted in
 * *damaged. */
int mib_journal_load(const char *path, mib_results *out, char *start_time,
                     size_t start_len, int *complete, size_t *damaged, mib_err *err);

#endif
