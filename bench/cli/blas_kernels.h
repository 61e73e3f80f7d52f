/* blas_kernels.h - make OpenBLAS use the CPU's fast kernels (process set-up
 * for executables: the CLI, the benchmarks, the tests; never called by the
 * library's estimators).
 *
 * OpenBLAS picks its kernels when it loads, before main, from
 * OPENBLAS_CORETYPE or its own CPU detection, and Debian's 0.3.21 may pick
 * the generic Prescott kernels on recent CPUs (sgemm 30 instead of 155
 * GFLOP/s on one core). A variable set later is ignored, hence a re-exec.
 */
#ifndef MIB_BLAS_KERNELS_H
#define MIB_BLAS_KERNELS_H

/* When OPENBLAS_CORETYPE is unset, the CPU has AVX-512 (AVX2) and OpenBLAS
 * loaded slower kernels than SkylakeX (Haswell), set OPENBLAS_CORETYPE to
 * that and re-execute /proc/self/exe with argv once (the variable, now set,
 * stops a second round). Returns only when nothing needed doing or the exec
 * failed; a preset OPENBLAS_CORETYPE is always respected. */
void mib_blas_select_kernels(char **argv);

/* Threads OpenBLAS may use. mibench keeps it at 1: its parallelism is over
 * trials and query points (OpenMP), and one BLAS thread keeps the neural
 * estimators' sums in a fixed order, so estimates do not depend on it. */
void mib_blas_set_threads(int threads);

/* The kernel family OpenBLAS is using, e.g. "SkylakeX". */
const char *mib_blas_core(void);

#endif
