/* ksg.h - the KSG estimator types (Kraskov, Stoegbauer, Grassberger 2004),
 * listed in registry.c. */
#ifndef MIB_KSG_H
#define MIB_KSG_H
#include "mibench/estimator.h"

extern const mib_estimator_type mib_estimator_ksg1, mib_estimator_ksg2;

#endif
