/* fuzz_h5.c - libFuzzer target for HDF5 input: any bytes given to
 * `mibench estimate` (/x, /y) or read as a results file give data or a
 * refusal with a message. The bytes are served as a file from memory
 * (memfd). Crashes inside libhdf5 itself are HDF5's (report them there);
 * ours are the checks of what it returns. Cost: one open per input. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include "mibench/mibench.h"
#include "bench/store/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    double *m = NULL;
    size_t rows = 0, cols = 0;
    mib_results r;
    mib_err err = {""};
    int fd = memfd_create("fuzz.h5", 0);
    if (fd < 0 || write(fd, data, size) != (ssize_t)size) {
        if (fd >= 0)
            close(fd);
        return 0;
    }
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    if (mib_store_read_matrix(path, "x", &m, &rows, &cols, &err) == MIB_OK && (!m || !rows || !cols))
        abort();
    free(m);
    if (mib_results_read(path, &r, &err) == MIB_OK)
        mib_results_free(&r);
    close(fd);
    return 0;
}
