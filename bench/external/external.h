/* external.h - estimators that are programs, in any language.
 *
 * An external estimator is declared by a name and a command line; it is
 * then an estimator type like any built-in one (it joins a growable
 * registry), with three generic parameters: protocol (bmi | worker),
 * format (csv | h5) and timeout (seconds).
 *
 *   bmi:    per trial, the samples go to a temporary file (CSV with header
 *           X0..,Y0.., or HDF5 /x, /y); COMMAND FILE DIMX DIMY runs with
 *           MIBENCH_SEED and MIBENCH_THREADS in its environment; the
 *           estimate is the last non-empty line of its stdout.
 *   worker: COMMAND runs once per concurrent trial and stays up; each trial
 *           is one JSON request line {"file","format","dx","dy","n","seed"}
 *           answered by {"mi": x} or {"error": "..."}; a worker that dies
 *           is started again for the next trial.
 *
 * Every failure (exit status, signal, no number, NaN or inf, garbage, a
 * timeout: the whole process group is killed) is a status with a message
 * that quotes the first line of the program's stderr. The temporary file
 * is always removed. Commands are split into words as a shell would
 * (wordexp, without command substitution) and run without a shell.
 */
#ifndef MIB_EXTERNAL_H
#define MIB_EXTERNAL_H

#include <stddef.h>
#include "mibench/estimator.h"

typedef struct mib_external mib_external;

/* A new external estimator type NAME running COMMAND, its temporary files
 * in tmp_dir ("/tmp" when NULL). MIB_ESPEC for a bad name or a command
 * that does not split into words. */
int mib_external_create(const char *name, const char *command, const char *tmp_dir,
                        mib_external **out, mib_err *err);

/* The estimator type (add its info to a registry; it lives as long as e). */
const mib_estimator_type *mib_external_type(const mib_external *e);

/* The command as declared. */
const char *mib_external_command(const mib_external *e);

/* Worker processes started so far (for tests and diagnostics). */
size_t mib_external_starts(mib_external *e);

/* Stop any workers (EOF on their stdin, then SIGKILL to their process
 * groups) and free e; accepts NULL. */
void mib_external_free(mib_external *e);

#endif
