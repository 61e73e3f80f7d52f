/* blas_kernels.c - choose OpenBLAS's kernels by re-executing the process with
 * OPENBLAS_CORETYPE set (see blas_kernels.h for why). Costs one exec at
 * start-up, and only on CPUs whose kernels OpenBLAS does not detect itself.
 */
#include <stdlib.h>
#include <strings.h>
#include <unistd.h>
#include <cblas.h>
#include "bench/cli/blas_kernels.h"

/* Kernel families at least as fast as SkylakeX / Haswell for sgemm. */
static const char *const avx512_cores[] = {"SkylakeX", "Cooperlake", "SapphireRapids", NULL};
static const char *const avx2_cores[] = {"Haswell", "Zen", "SkylakeX", "Cooperlake",
                                         "SapphireRapids", NULL};

static int listed(const char *name, const char *const *list)
{
    for (; name && *list; list++)
        if (strcasecmp(name, *list) == 0)
            return 1;
    return 0;
}

void mib_blas_set_threads(int threads)
{
    openblas_set_num_threads(threads);
}

const char *mib_blas_core(void)
{
    const char *c = openblas_get_corename();
    return c ? c : "unknown";
}

void mib_blas_select_kernels(char **argv)
{
    const char *want = NULL;
    if (getenv("OPENBLAS_CORETYPE"))
        return;
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f"))
        want = listed(mib_blas_core(), avx512_cores) ? NULL : "SkylakeX";
    else if (__builtin_cpu_supports("avx2"))
        want = listed(mib_blas_core(), avx2_cores) ? NULL : "Haswell";
#endif
    if (!want || setenv("OPENBLAS_CORETYPE", want, 1) != 0)
        return;
    execv("/proc/self/exe", argv);
    unsetenv("OPENBLAS_CORETYPE"); /* exec failed: carry on as we are */
}
