/* status.h - status codes and error details shared by the whole library.
 *
 * Every library function that can fail returns an int status (MIB_OK == 0)
 * and, when given a non-NULL mib_err, writes one human-readable line that
 * names the offending value. The library never prints; main() does.
 *
 * GSL's default error handler aborts the process. When libmibench is
 * loaded it turns that handler off (gsl_set_error_handler_off), unless a
 * handler of the program's own is already installed, so no library call
 * can abort; GSL failures come back as MIB_ENUMERIC and friends. A program
 * that later installs GSL's abort handler again gives that up.
 */
#ifndef MIBENCH_STATUS_H
#define MIBENCH_STATUS_H

#include "mibench/export.h"

#ifdef __cplusplus
extern "C" {
#endif

enum mib_status {
    MIB_OK = 0,       /* success */
    MIB_EINVAL,       /* invalid argument or parameter value */
    MIB_ESPEC,        /* malformed spec string or unknown name/key */
    MIB_EDATA,        /* unusable data: NaN/Inf, constant column, non-integer */
    MIB_ESMALL,       /* too few samples for the requested method (n <= k ...) */
    MIB_ENOMEM,       /* out of memory */
    MIB_ERESOURCE,    /* refused: would exceed a memory or size limit */
    MIB_EIO,          /* file could not be opened, read or written */
    MIB_EFORMAT,      /* file content is malformed */
    MIB_ENOTRUTH,     /* true MI unknown for this generator setting */
    MIB_ENUMERIC,     /* numerical failure (quadrature, factorisation) */
    MIB_EDIVERGED,    /* training produced a non-finite value */
    MIB_EINTR,        /* interrupted by a signal; finished work was kept */
    MIB_ELOCKED,      /* output is locked by another writer */
    MIB_EEXIST,       /* output exists and would be overwritten */
    MIB_EUNSUPPORTED, /* valid request this build or estimator cannot do */
    MIB_EEXTERNAL,    /* an external estimator failed: exit status, signal, no number */
    MIB_ETIMEOUT,     /* an external estimator ran out of time and was killed */
    MIB_NSTATUS
};

/* One line of detail for the caller; msg is always NUL-terminated. */
typedef struct mib_err {
    char msg[320];
} mib_err;

/* Short fixed text for a status, e.g. "invalid argument"; never NULL. */
MIB_API const char *mib_strerror(int status);

/* Stable lower-case identifier for a status, e.g. "diverged" (stored in files). */
MIB_API const char *mib_status_name(int status);

/* Fill err (when non-NULL) with a printf-style message and return status.
 * Lets a function fail in one line: return mib_fail(err, MIB_EINVAL, "...", ...). */
MIB_API int mib_fail(mib_err *err, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#ifdef __cplusplus
}
#endif
#endif
