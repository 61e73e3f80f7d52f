/* sweep.h - `mpirun -n R mibench run ...`: one sweep shared by R MPI ranks.
 * Rank 0 owns the output (results file, journal, lock) and runs mib_run
 * with its own threads; its serve thread hands the other ranks' threads
 * one trial at a time from the same queue (largest expected cost first) and records
 * the rows they send back. Every rank builds the study itself and draws
 * each trial's data from the trial's own stream, so only (cell, replicate)
 * and result rows cross the network, and results equal a one-process run
 * bit for bit. Built with MPI when meson finds it; otherwise every
 * function says so. */
#ifndef MIB_MPI_SWEEP_H
#define MIB_MPI_SWEEP_H

#include "mibench/run.h"

/* 1 when mibench was built with MPI. */
int mib_mpi_built(void);

/* MPI_Init_thread (MPI_THREAD_SERIALIZED) and this process's rank and the
 * number of ranks. MIB_EUNSUPPORTED when built without MPI. */
int mib_mpi_init(int *rank, int *size, mib_err *err);

/* The sweep on every rank: rank 0 runs mib_run(study, opt, rep) serving
 * the others (opt->serve is set here), ranks > 0 run trials with
 * opt->threads threads until rank 0 says stop. rep is rank 0's; on other
 * ranks it counts only rep->ran. Returns rank 0's mib_run status there,
 * and on other ranks MIB_OK or the status of their set-up. */
int mib_mpi_run(const mib_study *study, const mib_run_options *opt, int rank, int size,
                mib_run_report *rep, mib_err *err);

/* MPI_Finalize; a no-op when MPI was not initialised. */
void mib_mpi_finalize(void);

#endif
