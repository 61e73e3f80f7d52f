/* mibench.h - the whole public API of libmibench: status codes, parameter
 * tables and spec strings, registries, RNG streams, generators,
 * estimators, entropies, permutation tests, feature ranking, the harness
 * (studies, runs, results files), and the contract of C plugins. */
#ifndef MIBENCH_H
#define MIBENCH_H
#include "mibench/version.h"
#include "mibench/abi.h"
#include "mibench/status.h"
#include "mibench/param.h"
#include "mibench/registry.h"
#include "mibench/rng.h"
#include "mibench/generator.h"
#include "mibench/estimator.h"
#include "mibench/entropy.h"
#include "mibench/significance.h"
#include "mibench/select.h"
#include "mibench/results.h"
#include "mibench/study.h"
#include "mibench/run.h"
#include "mibench/plugin.h"
#endif
