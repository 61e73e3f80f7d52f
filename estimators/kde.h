/* kde.h - the kernel-density (KDE plug-in) estimator type. */
#ifndef MIB_KDE_H
#define MIB_KDE_H
#include "mibench/estimator.h"

extern const mib_estimator_type mib_estimator_kde;

/* Largest n kde accepts: its cost is O(n^2 (dx + dy)) time. */
#define MIB_KDE_MAX_N 50000

#endif
