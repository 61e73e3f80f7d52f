/* mibench.h - the whole public API of libmibench. */
#ifndef MIBENCH_H
#define MIBENCH_H
#include "mibench/status.h"
#include "mibench/param.h"
#include "mibench/rng.h"
#include "mibench/generator.h"
#include "mibench/estimator.h"
#define MIB_VERSION "0.1.0"
#endif
