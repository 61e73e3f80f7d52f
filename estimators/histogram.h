/* histogram.h - the histogram (binned plug-in) estimator type. */
#ifndef MIB_HISTOGRAM_H
#define MIB_HISTOGRAM_H
#include "mibench/estimator.h"

extern const mib_estimator_type mib_estimator_histogram;

#endif
