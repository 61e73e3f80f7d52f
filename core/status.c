/* status.c - texts for status codes, the one-line error helper, and the
 * guard that keeps GSL from aborting the process inside a library call.
 * Cost: O(1). Thread-safe: writes only into the caller's mib_err.
 *
 * GSL's default error handler prints and calls abort(); the library checks
 * the status of every GSL call instead. So when the library is loaded, a
 * constructor turns GSL's handler off, unless the program has already
 * installed a handler of its own, which is kept. It lives in this file
 * because every part of the library links mib_fail, so even a static link
 * pulls the constructor in. */
#include <stdarg.h>
#include <stdio.h>
#include <gsl/gsl_errno.h>
#include "mibench/status.h"

__attribute__((constructor)) static void gsl_abort_off(void)
{
    gsl_error_handler_t *previous = gsl_set_error_handler_off();
    if (previous) /* the program's own handler: keep it */
        gsl_set_error_handler(previous);
}

static const struct {
    const char *name, *text;
} table[MIB_NSTATUS] = {
    [MIB_OK] = {"ok", "success"},
    [MIB_EINVAL] = {"invalid", "invalid argument"},
    [MIB_ESPEC] = {"bad-spec", "malformed spec"},
    [MIB_EDATA] = {"bad-data", "unusable data"},
    [MIB_ESMALL] = {"too-small", "too few samples"},
    [MIB_ENOMEM] = {"no-memory", "out of memory"},
    [MIB_ERESOURCE] = {"resource-limit", "refused: would exceed a resource limit"},
    [MIB_EIO] = {"io", "input/output error"},
    [MIB_EFORMAT] = {"bad-format", "malformed file"},
    [MIB_ENOTRUTH] = {"no-truth", "true MI unknown"},
    [MIB_ENUMERIC] = {"numeric", "numerical failure"},
    [MIB_EDIVERGED] = {"diverged", "training diverged"},
    [MIB_EINTR] = {"interrupted", "interrupted"},
    [MIB_ELOCKED] = {"locked", "output locked by another writer"},
    [MIB_EEXIST] = {"exists", "output exists"},
    [MIB_EUNSUPPORTED] = {"unsupported", "unsupported"},
    [MIB_EEXTERNAL] = {"external", "external estimator failed"},
    [MIB_ETIMEOUT] = {"timeout", "external estimator timed out"},
};

const char *mib_strerror(int status)
{
    if (status < 0 || status >= MIB_NSTATUS)
        return "unknown status";
    return table[status].text;
}

const char *mib_status_name(int status)
{
    if (status < 0 || status >= MIB_NSTATUS)
        return "unknown";
    return table[status].name;
}

int mib_fail(mib_err *err, int status, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return status;
}
