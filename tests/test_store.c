/* test_store.c - the results store: a file written through the writer API
 * reads back field for field (strings at full length, NaN, 64-bit seeds),
 * summary rows are rewritten in place, appends accumulate, a file written
 * before the later columns reads them as zero (names from the specs), and
 * files that are missing or not results files fail with the documented
 * status. */
#include <criterion/criterion.h>
#include <hdf5.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "mibench/results.h"
#include "bench/harness/summary.h"
#include "bench/store/store.h"

static char path[64];

static void setup(void)
{
    snprintf(path, sizeof path, "/tmp/mib_test_store_%d.h5", (int)getpid());
}

static void teardown(void)
{
    unlink(path);
}

static mib_cell_row cell(int64_t i, const char *g, const char *e, int64_t n, double mi)
{
    mib_cell_row c = {.cell = i, .n = n, .batch_size = i == 2 ? 128 : 0, .true_mi = mi};
    snprintf(c.generator, sizeof c.generator, "%s", g);
    snprintf(c.estimator, sizeof c.estimator, "%s", e);
    return c;
}

static mib_trial_row trial(const mib_cell_row *c, int32_t rep, double est, int status)
{
    mib_trial_row t = {.cell = c->cell, .n = c->n, .batch_size = c->batch_size,
                       .replicate = rep, .seed = 0xfedcba9876543210ull + (uint64_t)rep,
                       .true_mi = c->true_mi, .estimate = est, .seconds = 0.25 * rep,
                       .cpu_seconds = 0.125 * rep, .status = status,
                       .true_mi_se = c->true_mi_se};
    memcpy(t.generator, c->generator, sizeof t.generator);
    memcpy(t.estimator, c->estimator, sizeof t.estimator);
    snprintf(t.status_name, sizeof t.status_name, "%s", mib_status_name(status));
    snprintf(t.message, sizeof t.message, "%s", status ? "estimator 'x' diverged at step 7" : "");
    return t;
}

TestSuite(store, .init = setup, .fini = teardown);

Test(store, round_trip)
{
    char longspec[MIB_SPEC_LEN];
    memset(longspec, 'a', sizeof longspec - 1);
    longspec[sizeof longspec - 1] = '\0';
    mib_cell_row cells[3] = {
        cell(0, "gaussian:dim=1,rho=0.5", "ksg1:k=3", 100, 0.14384103622589045),
        cell(1, "square:sigma=0.5", longspec, 1000, NAN),
        cell(2, "gaussian:dim=20,mi=2", "infonce:batch=128", 5000, 2.0),
    };
    cells[0].true_mi_se = 1.0546342e-3; /* a Monte-Carlo truth's SE */
    mib_store_meta meta = {.command_line = "mibench run x.ini -o y.h5", .study_name = "unit",
                           .study_text = "[study]\nname = unit\n", .start_time = "2024-01-01T00:00:00Z",
                           .host = "h", .master_seed = 0xffffffffffffffffull, .threads = 2};
    mib_store *s = NULL;
    mib_err err = {""};
    mib_summary_row blank[3];
    for (int i = 0; i < 3; i++)
        cr_assert_eq(mib_summary_compute(&cells[i], NULL, 0, &blank[i]), MIB_OK);
    cr_assert_eq(mib_store_create(path, &meta, cells, blank, 3, &s, &err), MIB_OK, "%s", err.msg);
    mib_trial_row t[4] = {trial(&cells[1], 0, 0.3, MIB_OK), trial(&cells[0], 1, 0.1, MIB_OK),
                          trial(&cells[2], 0, NAN, MIB_EDIVERGED), trial(&cells[0], 0, -0.05, MIB_OK)};
    mib_curve_row cv[3] = {{2, 0, 0, 0.5, 2.0}, {2, 0, 100, 1.5, 2.0}, {2, 0, 200, NAN, 4.0}};
    cr_assert_eq(mib_store_append(s, t, 1, NULL, 0, &err), MIB_OK, "%s", err.msg);
    cr_assert_eq(mib_store_sync(s, 1, &err), MIB_OK, "%s", err.msg);
    cr_assert_eq(mib_store_append(s, t + 1, 3, cv, 3, &err), MIB_OK, "%s", err.msg);
    mib_summary_row sum = {.cell = 1, .n = 1000, .count = 1, .mean = 0.3, .variance = NAN};
    snprintf(sum.generator, sizeof sum.generator, "square:sigma=0.5");
    cr_assert_eq(mib_store_put_summary(s, &sum, 1, &err), MIB_OK, "%s", err.msg);
    sum.cell = 3;
    cr_assert_eq(mib_store_put_summary(s, &sum, 1, &err), MIB_EINVAL);
    cr_assert_eq(mib_store_close(s, &err), MIB_OK, "%s", err.msg);

    mib_results r;
    cr_assert_eq(mib_results_read(path, &r, &err), MIB_OK, "%s", err.msg);
    cr_assert_str_eq(r.study_name, "unit");
    cr_assert_eq(r.master_seed, 0xffffffffffffffffull);
    cr_assert_eq(r.ncells, 3);
    cr_assert_eq(r.ntrials, 4);
    cr_assert_eq(r.nsummary, 3);
    cr_assert_eq(r.ncurves, 3);
    for (size_t i = 0; i < 3; i++) {
        cr_assert_eq(r.cells[i].cell, cells[i].cell);
        cr_assert_str_eq(r.cells[i].generator, cells[i].generator);
        cr_assert_str_eq(r.cells[i].estimator, cells[i].estimator);
        cr_assert_eq(r.cells[i].n, cells[i].n);
        cr_assert_eq(r.cells[i].batch_size, cells[i].batch_size);
        cr_assert(r.cells[i].true_mi == cells[i].true_mi ||
                  (isnan(r.cells[i].true_mi) && isnan(cells[i].true_mi)));
        cr_assert_eq(r.cells[i].true_mi_se, cells[i].true_mi_se);
        cr_assert_eq(r.summary[i].true_mi_se, cells[i].true_mi_se);
    }
    for (size_t i = 0; i < 4; i++) {
        const mib_trial_row *a = &r.trials[i], *b = &t[i];
        cr_assert_eq(a->cell, b->cell);
        cr_assert_str_eq(a->generator, b->generator);
        cr_assert_str_eq(a->estimator, b->estimator);
        cr_assert_eq(a->n, b->n);
        cr_assert_eq(a->batch_size, b->batch_size);
        cr_assert_eq(a->replicate, b->replicate);
        cr_assert_eq(a->seed, b->seed);
        cr_assert(a->estimate == b->estimate || (isnan(a->estimate) && isnan(b->estimate)));
        cr_assert_eq(a->seconds, b->seconds);
        cr_assert_eq(a->cpu_seconds, b->cpu_seconds);
        cr_assert_eq(a->status, b->status);
        cr_assert_str_eq(a->status_name, b->status_name);
        cr_assert_str_eq(a->message, b->message);
        cr_assert_eq(a->true_mi_se, b->true_mi_se);
    }
    cr_assert_eq(r.trials[1].true_mi_se, 1.0546342e-3);
    cr_assert_str_eq(r.trials[2].status_name, "diverged");
    cr_assert_eq(strlen(r.trials[0].estimator), MIB_SPEC_LEN - 1);
    cr_assert_eq(r.curves[1].step, 100);
    cr_assert_eq(r.curves[2].true_mi, 4.0);
    cr_assert(isnan(r.curves[2].estimate));
    /* untouched summary rows are placeholders copied from the cells */
    cr_assert_eq(r.summary[0].count, 0);
    cr_assert(isnan(r.summary[0].mean));
    cr_assert_str_eq(r.summary[0].estimator, "ksg1:k=3");
    cr_assert_eq(r.summary[2].batch_size, 128);
    cr_assert_eq(r.summary[1].count, 1);
    cr_assert_eq(r.summary[1].mean, 0.3);
    mib_results_free(&r);
    mib_results_free(&r); /* zeroed: a no-op */
}

/* One column of a table as files before true_mi_se (and dx, dy, dz, the
 * name columns) stored it: a member of the row struct, native type, or a
 * fixed-length string (type < 0). */
typedef struct old_field {
    const char *name;
    size_t offset, size;
    hid_t type;
} old_field;

#define OLD(T, m, t) {#m, offsetof(T, m), sizeof(((T *)0)->m), t}

static void old_table(hid_t file, const char *name, size_t row_size, const old_field *f,
                      size_t nf, const void *row)
{
    hid_t type = H5Tcreate(H5T_COMPOUND, row_size), space = H5Screate_simple(1, (hsize_t[]){1}, NULL);
    for (size_t i = 0; i < nf; i++) {
        hid_t ft = f[i].type >= 0 ? H5Tcopy(f[i].type) : H5Tcopy(H5T_C_S1);
        if (f[i].type < 0)
            H5Tset_size(ft, f[i].size);
        cr_assert_geq(H5Tinsert(type, f[i].name, f[i].offset, ft), 0);
        H5Tclose(ft);
    }
    hid_t set = H5Dcreate2(file, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    cr_assert_geq(H5Dwrite(set, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, row), 0);
    H5Dclose(set);
    H5Sclose(space);
    H5Tclose(type);
}

/* A file of mibench 0.1 (no true_mi_se, dx, dy, dz or name columns) reads
 * true_mi_se, dx, dy, dz as 0, the names from the specs, the rest as stored;
 * the in-memory rows it was written from hold other values there. */
Test(store, old_files_read_new_columns_as_zero)
{
    const hid_t I64 = H5T_NATIVE_INT64, F64 = H5T_NATIVE_DOUBLE, I32 = H5T_NATIVE_INT32;
    mib_cell_row c = cell(0, "mixture:task=ai", "ksg1:k=3", 500, 0.7759);
    c.true_mi_se = 5;
    c.dx = c.dy = 7;
    mib_trial_row t = trial(&c, 0, 0.75, MIB_OK);
    mib_summary_row s;
    cr_assert_eq(mib_summary_compute(&c, NULL, 0, &s), MIB_OK);
    mib_curve_row cv = {0, 0, 10, 0.5, 0.7759};
    old_field cf[] = {OLD(mib_cell_row, cell, I64), OLD(mib_cell_row, generator, -1),
                      OLD(mib_cell_row, estimator, -1), OLD(mib_cell_row, n, I64),
                      OLD(mib_cell_row, batch_size, I64), OLD(mib_cell_row, true_mi, F64)};
    old_field tf[] = {OLD(mib_trial_row, cell, I64), OLD(mib_trial_row, generator, -1),
                      OLD(mib_trial_row, estimator, -1), OLD(mib_trial_row, n, I64),
                      OLD(mib_trial_row, replicate, I32), OLD(mib_trial_row, seed, H5T_NATIVE_UINT64),
                      OLD(mib_trial_row, true_mi, F64), OLD(mib_trial_row, estimate, F64),
                      OLD(mib_trial_row, status, I32)};
    old_field sf[] = {OLD(mib_summary_row, cell, I64), OLD(mib_summary_row, generator, -1),
                      OLD(mib_summary_row, estimator, -1), OLD(mib_summary_row, n, I64),
                      OLD(mib_summary_row, true_mi, F64), OLD(mib_summary_row, count, I64),
                      OLD(mib_summary_row, bias, F64)};
    old_field vf[] = {OLD(mib_curve_row, cell, I64), OLD(mib_curve_row, step, I64),
                      OLD(mib_curve_row, estimate, F64)};
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    cr_assert_geq(file, 0);
    old_table(file, "cells", sizeof c, cf, sizeof cf / sizeof cf[0], &c);
    old_table(file, "trials", sizeof t, tf, sizeof tf / sizeof tf[0], &t);
    old_table(file, "summary", sizeof s, sf, sizeof sf / sizeof sf[0], &s);
    old_table(file, "curves", sizeof cv, vf, sizeof vf / sizeof vf[0], &cv);
    H5Fclose(file);

    mib_results r;
    mib_err err = {""};
    cr_assert_eq(mib_results_read(path, &r, &err), MIB_OK, "%s", err.msg);
    cr_assert(r.ncells == 1 && r.ntrials == 1 && r.nsummary == 1 && r.ncurves == 1);
    cr_expect_eq(r.cells[0].true_mi, 0.7759);
    cr_expect_eq(r.trials[0].true_mi, 0.7759);
    cr_expect_eq(r.summary[0].true_mi, 0.7759);
    cr_expect_eq(r.trials[0].estimate, 0.75);
    cr_expect_eq(r.curves[0].step, 10);
    cr_expect_eq(r.cells[0].true_mi_se, 0);
    cr_expect_eq(r.trials[0].true_mi_se, 0);
    cr_expect_eq(r.summary[0].true_mi_se, 0);
    cr_expect(r.cells[0].dx == 0 && r.cells[0].dy == 0 && r.cells[0].dz == 0);
    cr_expect_str_eq(r.cells[0].generator_name, "mixture");
    cr_expect_str_eq(r.summary[0].estimator_name, "ksg1");
    mib_results_free(&r);
}

Test(store, not_a_results_file)
{
    mib_results r;
    mib_err err = {""};
    double x[4] = {1, 2, 3, 4};
    cr_assert_eq(mib_results_read("/nonexistent/dir/x.h5", &r, &err), MIB_EIO);
    cr_assert(strstr(err.msg, "/nonexistent/dir/x.h5"));
    cr_assert_eq(mib_store_write_xy(path, 2, 2, x, 2, x, &err), MIB_OK, "%s", err.msg);
    cr_assert_eq(mib_results_read(path, &r, &err), MIB_EFORMAT);
    cr_assert(strstr(err.msg, "not a mibench results file"), "%s", err.msg);
    cr_assert_null(r.trials);
}

Test(store, create_fails_cleanly)
{
    mib_store *s = (mib_store *)1;
    mib_err err = {""};
    mib_store_meta meta = {0};
    mib_cell_row c = cell(0, "g", "e", 10, 0);
    mib_summary_row sum;
    cr_assert_eq(mib_summary_compute(&c, NULL, 0, &sum), MIB_OK);
    cr_assert_eq(mib_store_create("/nonexistent/dir/x.h5", &meta, &c, &sum, 1, &s, &err), MIB_EIO);
    cr_assert_null(s);
    cr_assert_eq(mib_store_close(NULL, NULL), MIB_OK);
}
