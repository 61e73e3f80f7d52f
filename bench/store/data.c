/* data.c - plain data files: /x and /y (and, for a conditioning block,
 * /z) matrices of doubles in HDF5, and CSV with a header (17 significant
 * digits, so values read back exactly).
 * Cost: O(n (dx + dy)) I/O. HDF5's automatic error printing is switched off
 * per call; every failure becomes one mib_err line. */
#include <hdf5.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
    return mib_store_write_xyz(path, n, dx, x, dy, y, 0, NULL, err);
}

int mib_store_write_xyz(const char *path, size_t n, size_t dx, const double *x, size_t dy,
                        const double *y, size_t dz, const double *z, mib_err *err)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (file < 0)
        return mib_fail(err, MIB_EIO, "cannot create HDF5 file '%s'", path);
    int bad = write_matrix(file, "x", n, dx, x) || write_matrix(file, "y", n, dy, y) ||
              (dz && write_matrix(file, "z", n, dz, z));
    if (H5Fclose(file) < 0 || bad)
        return mib_fail(err, MIB_EIO, "cannot write datasets to '%s'", path);
    return MIB_OK;
}

int mib_store_write_csv(const char *path, size_t n, size_t dx, const double *x, size_t dy,
                        const double *y, const char *xname, const char *yname, mib_err *err)
{
    return mib_store_write_csv_xyz(path, n, dx, x, dy, y, 0, NULL, xname, yname, NULL, err);
}

int mib_store_write_csv_xyz(const char *path, size_t n, size_t dx, const double *x, size_t dy,
                            const double *y, size_t dz, const double *z, const char *xname,
                            const char *yname, const char *zname, mib_err *err)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return mib_fail(err, MIB_EIO, "cannot write '%s'", path);
    for (size_t j = 0; j < dx; j++)
        fprintf(f, "%s%s%zu", j ? "," : "", xname, j);
    for (size_t j = 0; j < dy; j++)
        fprintf(f, ",%s%zu", yname, j);
    for (size_t j = 0; j < dz; j++)
        fprintf(f, ",%s%zu", zname, j);
    fputc('\n', f);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < dx; j++)
            fprintf(f, "%s%.17g", j ? "," : "", x[i * dx + j]);
        for (size_t j = 0; j < dy; j++)
            fprintf(f, ",%.17g", y[i * dy + j]);
        for (size_t j = 0; j < dz; j++)
            fprintf(f, ",%.17g", z[i * dz + j]);
        fputc('\n', f);
    }
    int bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return mib_fail(err, MIB_EIO, "error writing '%s'", path);
    return MIB_OK;
}

/* Dataset name of an open file (label names the file in messages) into
 * *out; the file stays open. */
static int read_dataset(hid_t file, const char *label, const char *name, double **out,
                        size_t *rows, size_t *cols, mib_err *err)
{
    int st = MIB_OK;
    hid_t set = -1, space = -1;
    hsize_t dims[2] = {0, 1};
    double *a = NULL;
    *out = NULL;
    if (H5Lexists(file, name, H5P_DEFAULT) <= 0 ||
        (set = H5Dopen2(file, name, H5P_DEFAULT)) < 0) {
        st = mib_fail(err, MIB_EFORMAT, "'%s' has no dataset '%s'", label, name);
        goto done;
    }
    space = H5Dget_space(set);
    int rank = space < 0 ? -1 : H5Sget_simple_extent_ndims(space);
    if (rank < 1 || rank > 2 || H5Sget_simple_extent_dims(space, dims, NULL) < 0) {
        st = mib_fail(err, MIB_EFORMAT, "dataset '%s' in '%s' is not a 1-D or 2-D array", name,
                      label);
        goto done;
    }
    if (rank == 1)
        dims[1] = 1;
    if (dims[0] == 0 || dims[1] == 0) {
        st = mib_fail(err, MIB_EFORMAT, "dataset '%s' in '%s' is empty", name, label);
        goto done;
    }
    /* the sizes come from the file: refuse what cannot be real before the
     * product can wrap around (a crafted 2^61 x 1 dataset once did) */
    if (dims[0] > SIZE_MAX / sizeof *a / dims[1] || dims[0] * dims[1] > (1ull << 40)) {
        st = mib_fail(err, MIB_EFORMAT, "dataset '%s' in '%s' claims %llu x %llu values; "
                      "refused", name, label, (unsigned long long)dims[0],
                      (unsigned long long)dims[1]);
        goto done;
    }
    a = malloc(dims[0] * dims[1] * sizeof *a);
    if (!a) {
        st = mib_fail(err, MIB_ENOMEM, "out of memory reading '%s'", name);
        goto done;
    }
    if (H5Dread(set, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, a) < 0) {
        st = mib_fail(err, MIB_EFORMAT, "dataset '%s' in '%s' is not numeric", name, label);
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
    return st;
}

int mib_store_read_matrix(const char *path, const char *name, double **out, size_t *rows,
                          size_t *cols, mib_err *err)
{
    *out = NULL;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0)
        return mib_fail(err, MIB_EIO, "cannot open HDF5 file '%s'", path);
    int st = read_dataset(file, path, name, out, rows, cols, err);
    H5Fclose(file);
    return st;
}

int mib_store_read_matrix_image(const void *image, size_t len, const char *label,
                                const char *name, double **out, size_t *rows, size_t *cols,
                                mib_err *err)
{
    *out = NULL;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    /* The core (in-memory) driver on a copy of the image, never written
     * back. Given an image, it first opens the file's name and refuses a
     * name that exists (and a FIFO's name would block): so the name is one
     * that cannot exist, a path through /dev/null, which is no directory. */
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS), file = -1;
    if (fapl >= 0 && H5Pset_fapl_core(fapl, 1 << 16, 0) >= 0 &&
        H5Pset_file_image(fapl, (void *)image, len) >= 0)
        file = H5Fopen("/dev/null/mibench-file-image", H5F_ACC_RDONLY, fapl);
    if (fapl >= 0)
        H5Pclose(fapl);
    if (file < 0)
        return mib_fail(err, MIB_EFORMAT, "'%s' starts like an HDF5 file but HDF5 cannot "
                        "read it (truncated?)", label);
    int st = read_dataset(file, label, name, out, rows, cols, err);
    H5Fclose(file);
    return st;
}

int mib_store_has_dataset(const char *path, const void *image, size_t len, const char *name)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS), file = -1;
    if (fapl >= 0 && (!image || (H5Pset_fapl_core(fapl, 1 << 16, 0) >= 0 &&
                                 H5Pset_file_image(fapl, (void *)image, len) >= 0)))
        file = H5Fopen(image ? "/dev/null/mibench-file-image" : path, H5F_ACC_RDONLY, fapl);
    if (fapl >= 0)
        H5Pclose(fapl);
    int has = file >= 0 && H5Lexists(file, name, H5P_DEFAULT) > 0;
    if (file >= 0)
        H5Fclose(file);
    return has;
}

int mib_store_is_hdf5_image(const void *image, size_t len)
{
    /* the superblock's signature sits at 0 or, after a user block, at
     * 512, 1024, 2048, ... (HDF5 file format, section II.A) */
    static const unsigned char sig[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    for (size_t at = 0; at + sizeof sig <= len; at = at ? 2 * at : 512)
        if (memcmp((const unsigned char *)image + at, sig, sizeof sig) == 0)
            return 1;
    return 0;
}

int mib_store_is_hdf5(const char *path)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    return H5Fis_hdf5(path) > 0;
}
