/* data.c - plain data files: /x and /y matrices of doubles in HDF5, and
 * CSV with a header (17 significant digits, so values read back exactly).
 * Cost: O(n (dx + dy)) I/O. HDF5's automatic error printing is switched off
 * per call; every failure becomes one mib_err line. */
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include "bench/store/store.h"

static int write_matrix(hid_t file, const char *name, size_t n, size_t d, const double *a)
{
    hsize_t dims[2] = {n, d};
    hid_t space = H5Screate_simple(2, dims, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_obj_track_times(dcpl, 0); /* no timestamps: same data, same bytes */
    hid_t set = space < 0 ? -1 : H5Dcreate2(file, name, H5T_IEEE_F64LE, space, H5P_DEFAULT,
                                            dcpl, H5P_DEFAULT);
    H5Pclose(dcpl);
    herr_t w = set < 0 ? -1 : H5Dwrite(set, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, a);
    if (set >= 0)
        H5Dclose(set);
    if (space >= 0)
        H5Sclose(space);
    return w < 0 ? -1 : 0;
}

int mib_store_write_xy(const char *path, size_t n, size_t dx, const double *x, size_t dy,
                       const double *y, mib_err *err)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (file < 0)
        return mib_fail(err, MIB_EIO, "cannot create HDF5 file '%s'", path);
    int bad = write_matrix(file, "x", n, dx, x) || write_matrix(file, "y", n, dy, y);
    if (H5Fclose(file) < 0 || bad)
        return mib_fail(err, MIB_EIO, "cannot write datasets to '%s'", path);
    return MIB_OK;
}

int mib_store_write_csv(const char *path, size_t n, size_t dx, const double *x, size_t dy,
                        const double *y, const char *xname, const char *yname, mib_err *err)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return mib_fail(err, MIB_EIO, "cannot write '%s'", path);
    for (size_t j = 0; j < dx; j++)
        fprintf(f, "%s%s%zu", j ? "," : "", xname, j);
    for (size_t j = 0; j < dy; j++)
        fprintf(f, ",%s%zu", yname, j);
    fputc('\n', f);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < dx; j++)
            fprintf(f, "%s%.17g", j ? "," : "", x[i * dx + j]);
        for (size_t j = 0; j < dy; j++)
            fprintf(f, ",%.17g", y[i * dy + j]);
        fputc('\n', f);
    }
    int bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return mib_fail(err, MIB_EIO, "error writing '%s'", path);
    return MIB_OK;
}

int mib_store_read_matrix(const char *path, const char *name, double **out, size_t *rows,
                          size_t *cols, mib_err *err)
{
    int st = MIB_OK;
    hid_t file = -1, set = -1, space = -1;
    hsize_t dims[2] = {0, 1};
    double *a = NULL;
    *out = NULL;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0) {
        st = mib_fail(err, MIB_EIO, "cannot open HDF5 file '%s'", path);
        goto done;
    }
    if (H5Lexists(file, name, H5P_DEFAULT) <= 0 ||
        (set = H5Dopen2(file, name, H5P_DEFAULT)) < 0) {
        st = mib_fail(err, MIB_EFORMAT, "'%s' has no dataset '%s'", path, name);
        goto done;
    }
    space = H5Dget_space(set);
    int rank = space < 0 ? -1 : H5Sget_simple_extent_ndims(space);
    if (rank < 1 || rank > 2 || H5Sget_simple_extent_dims(space, dims, NULL) < 0) {
        st = mib_fail(err, MIB_EFORMAT, "dataset '%s' in '%s' is not a 1-D or 2-D array", name,
                      path);
        goto done;
    }
    if (rank == 1)
        dims[1] = 1;
    if (dims[0] == 0 || dims[1] == 0) {
        st = mib_fail(err, MIB_EFORMAT, "dataset '%s' in '%s' is empty", name, path);
        goto done;
    }
    a = malloc(dims[0] * dims[1] * sizeof *a);
    if (!a) {
        st = mib_fail(err, MIB_ENOMEM, "out of memory reading '%s'", name);
        goto done;
    }
    if (H5Dread(set, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, a) < 0) {
        st = mib_fail(err, MIB_EFORMAT, "dataset '%s' in '%s' is not numeric", name, path);
        goto done;
    }
    *out = a;
    a = NULL;
    *rows = dims[0];
    *cols = dims[1];
done:
    free(a);
    if (space >= 0)
        H5Sclose(space);
    if (set >= 0)
        H5Dclose(set);
    if (file >= 0)
        H5Fclose(file);
    return st;
}

int mib_store_is_hdf5(const char *path)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    return H5Fis_hdf5(path) > 0;
}
