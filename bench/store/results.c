/* store_results.c - the results file: /cells, /trials, /summary, /curves
 * as compound datasets (field names = results.h member names; fixed-length
 * NUL-terminated strings) and provenance root attributes. Fields added
 * since the first files (the name columns, dx/dy/dz, true_mi_se,
 * bmi_failures) come last; a file written before one of them reads it as
 * zero (HDF5 converts the fields both types name and leaves the zeroed
 * buffer elsewhere), except that the names are then taken from the specs.
 * Crash discipline (DESIGN.md, measured on HDF5 1.10.8): all objects are
 * created at the start, /trials and /curves are chunked and only extended,
 * /summary is fixed-size and rewritten in place, and the caller flushes
 * (and fsyncs) after every record. Default file format, no SWMR.
 * Cost: O(rows) per append or read; one H5Fflush per sync. */
#include <hdf5.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "mibench/version.h"
#include "bench/store/store.h"

enum { F_I32, F_I64, F_U64, F_F64, F_STR };

typedef struct field {
    const char *name;
    size_t offset, size;
    int kind;
} field;

#define FLD(T, m, k) {#m, offsetof(T, m), sizeof(((T *)0)->m), k}

static const field cell_fields[] = {
    FLD(mib_cell_row, cell, F_I64),       FLD(mib_cell_row, generator, F_STR),
    FLD(mib_cell_row, estimator, F_STR),  FLD(mib_cell_row, n, F_I64),
    FLD(mib_cell_row, batch_size, F_I64), FLD(mib_cell_row, true_mi, F_F64),
    FLD(mib_cell_row, generator_name, F_STR), FLD(mib_cell_row, estimator_name, F_STR),
    FLD(mib_cell_row, dx, F_I64),             FLD(mib_cell_row, dy, F_I64),
    FLD(mib_cell_row, dz, F_I64),             FLD(mib_cell_row, true_mi_se, F_F64),
};
static const field trial_fields[] = {
    FLD(mib_trial_row, cell, F_I64),        FLD(mib_trial_row, generator, F_STR),
    FLD(mib_trial_row, estimator, F_STR),   FLD(mib_trial_row, n, F_I64),
    FLD(mib_trial_row, batch_size, F_I64),  FLD(mib_trial_row, replicate, F_I32),
    FLD(mib_trial_row, seed, F_U64),        FLD(mib_trial_row, true_mi, F_F64),
    FLD(mib_trial_row, estimate, F_F64),    FLD(mib_trial_row, seconds, F_F64),
    FLD(mib_trial_row, cpu_seconds, F_F64), FLD(mib_trial_row, status, F_I32),
    FLD(mib_trial_row, status_name, F_STR), FLD(mib_trial_row, message, F_STR),
    FLD(mib_trial_row, generator_name, F_STR), FLD(mib_trial_row, estimator_name, F_STR),
    FLD(mib_trial_row, true_mi_se, F_F64),
};
static const field summary_fields[] = {
    FLD(mib_summary_row, cell, F_I64),         FLD(mib_summary_row, generator, F_STR),
    FLD(mib_summary_row, estimator, F_STR),    FLD(mib_summary_row, n, F_I64),
    FLD(mib_summary_row, batch_size, F_I64),   FLD(mib_summary_row, true_mi, F_F64),
    FLD(mib_summary_row, count, F_I64),        FLD(mib_summary_row, failures, F_I64),
    FLD(mib_summary_row, mean, F_F64),         FLD(mib_summary_row, bias, F_F64),
    FLD(mib_summary_row, variance, F_F64),     FLD(mib_summary_row, std_error, F_F64),
    FLD(mib_summary_row, mse, F_F64),          FLD(mib_summary_row, rmse, F_F64),
    FLD(mib_summary_row, mean_seconds, F_F64), FLD(mib_summary_row, median_seconds, F_F64),
    FLD(mib_summary_row, generator_name, F_STR), FLD(mib_summary_row, estimator_name, F_STR),
    FLD(mib_summary_row, true_mi_se, F_F64),   FLD(mib_summary_row, bmi_failures, F_I64),
};
static const field curve_fields[] = {
    FLD(mib_curve_row, cell, F_I64),     FLD(mib_curve_row, replicate, F_I32),
    FLD(mib_curve_row, step, F_I64),     FLD(mib_curve_row, estimate, F_F64),
    FLD(mib_curve_row, true_mi, F_F64),
};

/* One dataset: its name, row layout and chunk size (0 = fixed size). */
typedef struct table {
    const char *name;
    const field *fields;
    size_t nfields, row_size, chunk;
} table;

#define TABLE(nm, f, T, ch) {nm, f, sizeof f / sizeof f[0], sizeof(T), ch}
enum { T_CELLS, T_TRIALS, T_SUMMARY, T_CURVES, T_COUNT };
static const table tables[T_COUNT] = {
    [T_CELLS] = TABLE("cells", cell_fields, mib_cell_row, 0),
    [T_TRIALS] = TABLE("trials", trial_fields, mib_trial_row, 64),
    [T_SUMMARY] = TABLE("summary", summary_fields, mib_summary_row, 0),
    [T_CURVES] = TABLE("curves", curve_fields, mib_curve_row, 1024),
};

struct mib_store {
    hid_t file;
    hid_t set[T_COUNT];
    hid_t mem[T_COUNT]; /* in-memory row types */
    char path[4096];
};

/* The compound type of a table: in memory (struct offsets) or on disk
 * (packed, little-endian). Strings are NULLTERM both ways: h5dump then
 * prints them without the padding, and h5py reads them as bytes. */
static hid_t make_type(const table *t, int on_disk)
{
    hid_t type = H5Tcreate(H5T_COMPOUND, t->row_size);
    for (size_t i = 0; type >= 0 && i < t->nfields; i++) {
        const field *f = &t->fields[i];
        hid_t ft = -1, own = -1;
        switch (f->kind) {
        case F_I32: ft = on_disk ? H5T_STD_I32LE : H5T_NATIVE_INT32; break;
        case F_I64: ft = on_disk ? H5T_STD_I64LE : H5T_NATIVE_INT64; break;
        case F_U64: ft = on_disk ? H5T_STD_U64LE : H5T_NATIVE_UINT64; break;
        case F_F64: ft = on_disk ? H5T_IEEE_F64LE : H5T_NATIVE_DOUBLE; break;
        default:
            own = ft = H5Tcopy(H5T_C_S1);
            if (ft < 0 || H5Tset_size(ft, f->size) < 0 ||
                H5Tset_strpad(ft, H5T_STR_NULLTERM) < 0)
                ft = -1;
        }
        if (ft < 0 || H5Tinsert(type, f->name, f->offset, ft) < 0) {
            H5Tclose(type);
            type = -1;
        }
        if (own >= 0)
            H5Tclose(own);
    }
    if (type >= 0 && on_disk && H5Tpack(type) < 0) {
        H5Tclose(type);
        type = -1;
    }
    return type;
}

/* A dataset of `rows` rows; chunked and unlimited when t->chunk > 0. */
static hid_t create_table(hid_t file, const table *t, size_t rows)
{
    hsize_t dims[1] = {rows}, maxdims[1] = {t->chunk ? H5S_UNLIMITED : rows};
    hsize_t chunk[1] = {t->chunk};
    hid_t type = make_type(t, 1);
    hid_t space = H5Screate_simple(1, dims, maxdims);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    hid_t set = -1;
    if (type >= 0 && space >= 0 && dcpl >= 0 && (!t->chunk || H5Pset_chunk(dcpl, 1, chunk) >= 0))
        set = H5Dcreate2(file, t->name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (space >= 0)
        H5Sclose(space);
    if (type >= 0)
        H5Tclose(type);
    return set;
}

/* Write count rows at [first, first + count), extending the dataset when
 * the range passes its end. */
static int write_rows(hid_t set, hid_t mem, size_t first, size_t count, const void *rows)
{
    if (count == 0)
        return 0;
    hsize_t dims[1], start[1] = {first}, n[1] = {count};
    hid_t fspace = H5Dget_space(set);
    int bad = fspace < 0 || H5Sget_simple_extent_dims(fspace, dims, NULL) < 0;
    if (!bad && first + count > dims[0]) {
        dims[0] = first + count;
        H5Sclose(fspace);
        bad = H5Dset_extent(set, dims) < 0 || (fspace = H5Dget_space(set)) < 0;
    }
    hid_t mspace = bad ? -1 : H5Screate_simple(1, n, NULL);
    bad = bad || mspace < 0 ||
          H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, n, NULL) < 0 ||
          H5Dwrite(set, mem, mspace, fspace, H5P_DEFAULT, rows) < 0;
    if (mspace >= 0)
        H5Sclose(mspace);
    if (fspace >= 0)
        H5Sclose(fspace);
    return bad ? -1 : 0;
}

static size_t table_rows(hid_t set)
{
    hsize_t dims[1] = {0};
    hid_t space = H5Dget_space(set);
    if (space < 0 || H5Sget_simple_extent_ndims(space) != 1 ||
        H5Sget_simple_extent_dims(space, dims, NULL) < 0)
        dims[0] = 0;
    if (space >= 0)
        H5Sclose(space);
    return (size_t)dims[0];
}

static int put_string_attr(hid_t file, const char *name, const char *value)
{
    const char *v = value ? value : "";
    hid_t type = H5Tcopy(H5T_C_S1), space = H5Screate(H5S_SCALAR), attr = -1;
    int bad = type < 0 || space < 0 || H5Tset_size(type, H5T_VARIABLE) < 0 ||
              H5Tset_cset(type, H5T_CSET_UTF8) < 0 ||
              (attr = H5Acreate2(file, name, type, space, H5P_DEFAULT, H5P_DEFAULT)) < 0 ||
              H5Awrite(attr, type, &v) < 0;
    if (attr >= 0)
        H5Aclose(attr);
    if (space >= 0)
        H5Sclose(space);
    if (type >= 0)
        H5Tclose(type);
    return bad ? -1 : 0;
}

static int put_number_attr(hid_t file, const char *name, hid_t disk, hid_t mem, const void *v)
{
    hid_t space = H5Screate(H5S_SCALAR), attr = -1;
    int bad = space < 0 ||
              (attr = H5Acreate2(file, name, disk, space, H5P_DEFAULT, H5P_DEFAULT)) < 0 ||
              H5Awrite(attr, mem, v) < 0;
    if (attr >= 0)
        H5Aclose(attr);
    if (space >= 0)
        H5Sclose(space);
    return bad ? -1 : 0;
}

static int put_attrs(hid_t file, const mib_store_meta *m)
{
    return put_string_attr(file, "mibench_version", MIB_VERSION) ||
           put_string_attr(file, "git_commit", mib_git_commit()) ||
           put_string_attr(file, "command_line", m->command_line) ||
           put_string_attr(file, "study_name", m->study_name) ||
           put_string_attr(file, "study_text", m->study_text) ||
           put_string_attr(file, "external_commands", m->external_commands) ||
           put_number_attr(file, "master_seed", H5T_STD_U64LE, H5T_NATIVE_UINT64,
                           &m->master_seed) ||
           put_string_attr(file, "start_time", m->start_time) ||
           put_string_attr(file, "host", m->host) ||
           put_number_attr(file, "threads", H5T_STD_I32LE, H5T_NATIVE_INT32, &m->threads);
}

int mib_store_create(const char *path, const mib_store_meta *meta, const mib_cell_row *cells,
                     const mib_summary_row *summary, size_t ncells, mib_store **out,
                     mib_err *err)
{
    int st = MIB_OK;
    mib_store *s = calloc(1, sizeof *s);
    *out = NULL;
    if (!s) {
        st = mib_fail(err, MIB_ENOMEM, "out of memory creating '%s'", path);
        goto done;
    }
    s->file = -1;
    for (int i = 0; i < T_COUNT; i++)
        s->set[i] = s->mem[i] = -1;
    snprintf(s->path, sizeof s->path, "%s", path);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    s->file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (s->file < 0) {
        st = mib_fail(err, MIB_EIO, "cannot create HDF5 file '%s'", path);
        goto done;
    }
    for (int i = 0; i < T_COUNT; i++) {
        size_t rows = i == T_CELLS || i == T_SUMMARY ? ncells : 0;
        s->mem[i] = make_type(&tables[i], 0);
        s->set[i] = create_table(s->file, &tables[i], rows);
        if (s->mem[i] < 0 || s->set[i] < 0) {
            st = mib_fail(err, MIB_EIO, "cannot create dataset /%s in '%s'", tables[i].name,
                          path);
            goto done;
        }
    }
    if (write_rows(s->set[T_CELLS], s->mem[T_CELLS], 0, ncells, cells) ||
        write_rows(s->set[T_SUMMARY], s->mem[T_SUMMARY], 0, ncells, summary) ||
        put_attrs(s->file, meta)) {
        st = mib_fail(err, MIB_EIO, "cannot write the cell table and attributes of '%s'", path);
        goto done;
    }
    st = mib_store_sync(s, 1, err);
done:
    if (st) {
        mib_store_close(s, NULL);
        s = NULL;
    }
    *out = s;
    return st;
}

int mib_store_append(mib_store *s, const mib_trial_row *trials, size_t ntrials,
                     const mib_curve_row *curves, size_t ncurves, mib_err *err)
{
    if (write_rows(s->set[T_TRIALS], s->mem[T_TRIALS], table_rows(s->set[T_TRIALS]), ntrials,
                   trials) ||
        write_rows(s->set[T_CURVES], s->mem[T_CURVES], table_rows(s->set[T_CURVES]), ncurves,
                   curves))
        return mib_fail(err, MIB_EIO, "cannot append to /trials or /curves of '%s'", s->path);
    return MIB_OK;
}

int mib_store_put_summary(mib_store *s, const mib_summary_row *rows, size_t count, mib_err *err)
{
    size_t ncells = table_rows(s->set[T_SUMMARY]);
    for (size_t i = 0; i < count; i++) {
        if (rows[i].cell < 0 || (size_t)rows[i].cell >= ncells)
            return mib_fail(err, MIB_EINVAL, "summary row for cell %lld outside /summary (%zu rows)",
                            (long long)rows[i].cell, ncells);
        if (write_rows(s->set[T_SUMMARY], s->mem[T_SUMMARY], (size_t)rows[i].cell, 1, &rows[i]))
            return mib_fail(err, MIB_EIO, "cannot write /summary of '%s'", s->path);
    }
    return MIB_OK;
}

int mib_store_sync(mib_store *s, int durable, mib_err *err)
{
    void *handle = NULL;
    if (H5Fflush(s->file, H5F_SCOPE_LOCAL) < 0)
        return mib_fail(err, MIB_EIO, "cannot flush '%s'", s->path);
    if (durable && (H5Fget_vfd_handle(s->file, H5P_DEFAULT, &handle) < 0 || !handle ||
                    fsync(*(int *)handle) != 0))
        return mib_fail(err, MIB_EIO, "cannot fsync '%s'", s->path);
    return MIB_OK;
}

int mib_store_close(mib_store *s, mib_err *err)
{
    int st = MIB_OK;
    if (!s)
        return MIB_OK;
    for (int i = 0; i < T_COUNT; i++) {
        if (s->set[i] >= 0 && H5Dclose(s->set[i]) < 0)
            st = MIB_EIO;
        if (s->mem[i] >= 0)
            H5Tclose(s->mem[i]);
    }
    if (s->file >= 0 && H5Fclose(s->file) < 0)
        st = MIB_EIO;
    if (st)
        mib_fail(err, st, "cannot close '%s' cleanly", s->path);
    free(s);
    return st;
}

/* ---- reading ---- */

/* Read a whole table into a malloc'd array (*rows NULL when empty). */
static int read_table(hid_t file, const char *path, const table *t, void **rows, size_t *count,
                      mib_err *err)
{
    int st = MIB_OK;
    hid_t set = -1, mem = -1;
    *rows = NULL;
    *count = 0;
    if (H5Lexists(file, t->name, H5P_DEFAULT) <= 0 || (set = H5Dopen2(file, t->name, H5P_DEFAULT)) < 0)
        return mib_fail(err, MIB_EFORMAT, "'%s' is not a mibench results file (no /%s)", path,
                        t->name);
    size_t n = table_rows(set);
    void *buf = calloc(n ? n : 1, t->row_size);
    if (!buf) {
        st = mib_fail(err, MIB_ENOMEM, "out of memory reading /%s of '%s'", t->name, path);
        goto done;
    }
    mem = make_type(t, 0);
    if (mem < 0 || (n && H5Dread(set, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)) {
        st = mib_fail(err, MIB_EFORMAT, "cannot read /%s of '%s' (missing fields?)", t->name,
                      path);
        goto done;
    }
    *rows = buf;
    *count = n;
    buf = NULL;
done:
    free(buf);
    if (mem >= 0)
        H5Tclose(mem);
    H5Dclose(set);
    return st;
}

/* A root string attribute into buf ("" when absent or not a string). */
static void get_string_attr(hid_t file, const char *name, char *buf, size_t len)
{
    buf[0] = '\0';
    if (H5Aexists(file, name) <= 0)
        return;
    hid_t attr = H5Aopen(file, name, H5P_DEFAULT);
    hid_t type = attr < 0 ? -1 : H5Aget_type(attr); /* a variable-length string */
    char *v = NULL;
    if (type >= 0 && H5Tis_variable_str(type) > 0 && H5Aread(attr, type, &v) >= 0 && v) {
        snprintf(buf, len, "%s", v);
        H5free_memory(v);
    }
    if (type >= 0)
        H5Tclose(type);
    if (attr >= 0)
        H5Aclose(attr);
}

int mib_results_read(const char *path, mib_results *out, mib_err *err)
{
    int st = MIB_OK;
    void *p[T_COUNT] = {NULL};
    size_t n[T_COUNT] = {0};
    memset(out, 0, sizeof *out);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0)
        return mib_fail(err, MIB_EIO, "cannot open HDF5 file '%s'", path);
    for (int i = 0; i < T_COUNT && !st; i++)
        st = read_table(file, path, &tables[i], &p[i], &n[i], err);
    if (!st) {
        get_string_attr(file, "study_name", out->study_name, sizeof out->study_name);
        get_string_attr(file, "command_line", out->command_line, sizeof out->command_line);
        out->has_external_commands = H5Aexists(file, "external_commands") > 0;
        get_string_attr(file, "external_commands", out->external_commands,
                        sizeof out->external_commands);
        if (H5Aexists(file, "master_seed") > 0) {
            hid_t a = H5Aopen(file, "master_seed", H5P_DEFAULT);
            if (a < 0 || H5Aread(a, H5T_NATIVE_UINT64, &out->master_seed) < 0)
                out->master_seed = 0;
            if (a >= 0)
                H5Aclose(a);
        }
        /* files written before the name columns: names from the specs */
        mib_cell_row *c = p[T_CELLS];
        mib_trial_row *t = p[T_TRIALS];
        mib_summary_row *m = p[T_SUMMARY];
        for (size_t i = 0; i < n[T_CELLS]; i++)
            MIB_ROW_NAMES(&c[i]);
        for (size_t i = 0; i < n[T_TRIALS]; i++)
            MIB_ROW_NAMES(&t[i]);
        for (size_t i = 0; i < n[T_SUMMARY]; i++)
            MIB_ROW_NAMES(&m[i]);
        out->cells = p[T_CELLS];
        out->ncells = n[T_CELLS];
        out->trials = p[T_TRIALS];
        out->ntrials = n[T_TRIALS];
        out->summary = p[T_SUMMARY];
        out->nsummary = n[T_SUMMARY];
        out->curves = p[T_CURVES];
        out->ncurves = n[T_CURVES];
    } else {
        for (int i = 0; i < T_COUNT; i++)
            free(p[i]);
    }
    H5Fclose(file);
    return st;
}

void mib_spec_name_copy(const char *spec, char *name, size_t len)
{
    size_t k = strcspn(spec, ":");
    snprintf(name, len, "%.*s", (int)(k < len ? k : len - 1), spec);
}

void mib_results_free(mib_results *r)
{
    if (!r)
        return;
    free(r->cells);
    free(r->trials);
    free(r->summary);
    free(r->curves);
    memset(r, 0, sizeof *r);
}
