/* estimate_run.h - the one way the estimator suites call an estimator:
 * parse spec_text (a parse failure fails the test), run mib_estimate on
 * row-major x (n*dx) and y (n*dy) with `threads`, return its status. */
#ifndef MIB_TESTS_ESTIMATE_RUN_H
#define MIB_TESTS_ESTIMATE_RUN_H

#include <criterion/criterion.h>
#include "mibench/mibench.h"

static inline int run(const char *spec_text, size_t n, size_t dx, size_t dy, const double *x,
                      const double *y, int threads, mib_result *res, mib_err *err)
{
    mib_spec spec;
    int st = mib_estimator_spec_parse(spec_text, &spec, err);
    cr_assert_eq(st, MIB_OK, "%s: %s", spec_text, err->msg);
    mib_workspace ws;
    mib_workspace_init(&ws);
    ws.threads = threads;
    mib_data d = {.n = n, .dx = dx, .dy = dy, .x = x, .y = y};
    return mib_estimate(&d, &spec, &ws, res, err);
}

#endif
