/* test_api.c - the public API as an installed user sees it: only
 * include/mibench/ and the shared library, built with AddressSanitizer and
 * UBSan. Every entry point refuses what it cannot use with a status: a
 * generator spec handed to mib_estimate (and the reverse), zeroed and
 * forged specs, NULL arguments. Loading the library turns GSL's abort
 * handler off unless the program has its own; OpenBLAS, not GSL's
 * reference CBLAS, is bound to cblas_*. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <math.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_psi.h>
#include "mibench/mibench.h"

static double xs[8] = {0, 1, 2, 3, 4, 5, 6, 7}, ys[8] = {1, 0, 3, 2, 5, 4, 7, 6};

static int estimate(const mib_data *d, const mib_spec *s, const mib_workspace *ws, mib_err *err)
{
    mib_result r;
    int st = mib_estimate(d, s, ws, &r, err);
    cr_expect(st != MIB_OK || isfinite(r.mi));
    return st;
}

Test(api, generator_spec_refused_by_mib_estimate)
{
    mib_err err = {""};
    mib_spec g;
    mib_workspace ws;
    mib_workspace_init(&ws);
    mib_data d = {.n = 8, .dx = 1, .dy = 1, .x = xs, .y = ys};
    cr_assert_eq(mib_generator_spec_parse("gaussian:rho=0.5", &g, &err), MIB_OK, "%s", err.msg);
    cr_assert_eq(estimate(&d, &g, &ws, &err), MIB_EINVAL);
    cr_assert(strstr(err.msg, "generator spec ('gaussian') was given where a estimator") ||
                  strstr(err.msg, "where an estimator") || strstr(err.msg, "estimator spec is needed"),
              "%s", err.msg);
    cr_assert_null(mib_estimator_type_of(&g, NULL));
}

Test(api, estimator_spec_refused_by_mib_generator_alloc)
{
    mib_err err = {""};
    mib_spec e;
    mib_generator *g = (mib_generator *)&err; /* must be reset to NULL */
    cr_assert_eq(mib_estimator_spec_parse("ksg1:k=3", &e, &err), MIB_OK, "%s", err.msg);
    cr_assert_eq(mib_generator_alloc(&e, &g, &err), MIB_EINVAL);
    cr_assert_null(g);
    cr_assert(strstr(err.msg, "generator spec is needed"), "%s", err.msg);
}

Test(api, zeroed_and_forged_specs_refused)
{
    mib_err err = {""};
    mib_spec zero, forged;
    mib_workspace ws;
    mib_workspace_init(&ws);
    mib_data d = {.n = 8, .dx = 1, .dy = 1, .x = xs, .y = ys};
    memset(&zero, 0, sizeof zero);
    cr_assert_eq(estimate(&d, &zero, &ws, &err), MIB_EINVAL);
    cr_assert(strstr(err.msg, "not parsed"), "%s", err.msg);
    /* an estimator registry, but a type it does not hold (a generator's) */
    cr_assert_eq(mib_estimator_spec_parse("ksg1", &forged, &err), MIB_OK);
    forged.info = &mib_generator_at(0)->info;
    cr_assert_eq(estimate(&d, &forged, &ws, &err), MIB_EINVAL);
    cr_assert(strstr(err.msg, "does not hold"), "%s", err.msg);
    cr_assert_eq(estimate(&d, NULL, &ws, &err), MIB_EINVAL);
}

Test(api, null_arguments_refused)
{
    mib_err err = {""};
    mib_spec s;
    mib_result r;
    mib_workspace ws;
    mib_workspace_init(&ws);
    cr_assert_eq(mib_estimator_spec_parse("ksg1", &s, &err), MIB_OK);
    mib_data d = {.n = 8, .dx = 1, .dy = 1, .x = NULL, .y = ys};
    cr_assert_eq(estimate(&d, &s, &ws, &err), MIB_EINVAL);
    d.x = xs;
    d.y = NULL;
    cr_assert_eq(estimate(&d, &s, &ws, &err), MIB_EINVAL);
    d.y = ys;
    cr_assert_eq(estimate(&d, &s, NULL, &err), MIB_EINVAL);
    cr_assert_eq(estimate(NULL, &s, &ws, &err), MIB_EINVAL);
    cr_assert_eq(mib_estimate(&d, &s, &ws, NULL, &err), MIB_EINVAL);
    ws.threads = 0;
    cr_assert_eq(estimate(&d, &s, &ws, &err), MIB_EINVAL);
    ws.threads = 1;
    cr_assert_eq(mib_estimate(&d, &s, &ws, &r, NULL), MIB_OK); /* err may be NULL */
    cr_assert_eq(mib_registry_parse(NULL, "ksg1", &s, &err), MIB_EINVAL);
    cr_assert_eq(mib_registry_parse(&mib_estimator_registry, NULL, &s, &err), MIB_ESPEC);
    cr_assert_eq(mib_generator_truth(NULL, NULL, &err), MIB_EINVAL);
    cr_assert_eq(mib_generator_alloc(NULL, NULL, &err), MIB_EINVAL);
    mib_generator_free(NULL);
}

Test(api, the_readme_example)
{
    mib_err err = {""};
    mib_spec spec;
    mib_workspace ws;
    mib_result res;
    mib_workspace_init(&ws);
    mib_data d = {.n = 8, .dx = 1, .dy = 1, .x = xs, .y = ys};
    cr_assert_eq(mib_estimator_spec_parse("ksg1:k=2", &spec, &err), MIB_OK, "%s", err.msg);
    cr_assert_eq(mib_estimate(&d, &spec, &ws, &res, &err), MIB_OK, "%s", err.msg);
    cr_assert(isfinite(res.mi));
    cr_assert_str_eq(mib_version(), MIB_VERSION);
}

/* The one-call form gives what parse + mib_estimate give, and refuses
 * what they refuse. */
Test(api, one_call_estimate_equals_the_long_form)
{
    mib_err err = {""};
    mib_spec spec;
    mib_workspace ws;
    mib_result res;
    double mi = 0;
    mib_workspace_init(&ws);
    mib_data d = {.n = 8, .dx = 1, .dy = 1, .x = xs, .y = ys};
    cr_assert_eq(mib_estimator_spec_parse("ksg2:k=2", &spec, &err), MIB_OK);
    cr_assert_eq(mib_estimate(&d, &spec, &ws, &res, &err), MIB_OK, "%s", err.msg);
    cr_assert_eq(mib_estimate_text("ksg2:k=2", xs, ys, 8, 1, 1, 0, &mi, &err), MIB_OK, "%s",
                 err.msg);
    cr_assert_eq(mi, res.mi);
    cr_assert_eq(mib_estimate_text("ksg9", xs, ys, 8, 1, 1, 1, &mi, &err), MIB_ESPEC);
    cr_assert(isnan(mi));
    cr_assert_eq(mib_estimate_text("ksg1:k=8", xs, ys, 8, 1, 1, 1, &mi, &err), MIB_ESMALL);
    cr_assert_eq(mib_estimate_text("ksg1", NULL, ys, 8, 1, 1, 1, &mi, &err), MIB_EINVAL);
    cr_assert_eq(mib_estimate_text("ksg1", xs, ys, 8, 1, 1, 1, NULL, &err), MIB_EINVAL);
}

/* Without any call to gsl_set_error_handler_off, a GSL domain error
 * returns a status: loading libmibench turned the abort handler off. */
Test(api, gsl_errors_do_not_abort)
{
    gsl_sf_result r;
    cr_assert_eq(gsl_sf_psi_int_e(0, &r), GSL_EDOM);
}

static int own_handler_calls;
static void own_handler(const char *reason, const char *file, int line, int gsl_errno)
{
    own_handler_calls++;
}

/* A program's own handler, installed before the library loads, is kept. */
Test(api, own_gsl_handler_is_kept)
{
    const char *lib = getenv("MIBENCH_LIB");
    cr_assert_not_null(lib, "MIBENCH_LIB must name the shared library");
    gsl_set_error_handler(own_handler);
    /* already loaded (linked), so load a second copy under its own name */
    void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
    cr_assert_not_null(h, "%s", dlerror());
    gsl_sf_result r;
    gsl_sf_psi_int_e(0, &r);
    cr_assert_eq(own_handler_calls, 1);
    gsl_set_error_handler_off();
    dlclose(h);
}

static const char *library_of(const char *symbol)
{
    Dl_info info;
    void *p = dlsym(RTLD_DEFAULT, symbol);
    return p && dladdr(p, &info) && info.dli_fname ? info.dli_fname : "(not found)";
}

/* GSL's libgsl NEEDs its reference libgslcblas; every cblas_* symbol must
 * still bind to OpenBLAS (linked first), for the critics and for GSL. */
Test(api, cblas_is_openblas)
{
    const char *names[] = {"cblas_sgemm", "cblas_dgemm", "cblas_ddot"};
    for (size_t i = 0; i < 3; i++) {
        const char *where = library_of(names[i]);
        cr_expect(strstr(where, "openblas") != NULL, "%s is bound to %s, not OpenBLAS",
                  names[i], where);
    }
}
