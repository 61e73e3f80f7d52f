/* none.c - bench/mpi/sweep.h in a build without MPI: one process only, and
 * a clear refusal when asked for more. */
#include <string.h>
#include "bench/mpi/sweep.h"

int mib_mpi_built(void)
{
    return 0;
}

int mib_mpi_init(int *rank, int *size, mib_err *err)
{
    *rank = 0;
    *size = 1;
    return mib_fail(err, MIB_EUNSUPPORTED, "this mibench was built without MPI (install "
                    "openmpi-bin and libopenmpi-dev, then rebuild)");
}

int mib_mpi_run(const mib_study *study, const mib_run_options *opt, int rank, int size,
                mib_run_report *rep, mib_err *err)
{
    memset(rep, 0, sizeof *rep);
    if (size > 1)
        return mib_fail(err, MIB_EUNSUPPORTED, "this mibench was built without MPI");
    return mib_run(study, opt, rep, err);
}

void mib_mpi_finalize(void)
{
}
