/* cost.c - the cost models of cost.h: closed-form expected seconds from n
 * and the dimensions, constants fitted to the median CPU times of the
 * default study's trials on this machine (N = 1000 to 10000, 1+1-D; within
 * 1.5x of each). O(1). */
#include <math.h>
#include "estimators/cost.h"

double mib_cost_linear(const mib_spec *spec, size_t n, size_t dx, size_t dy)
{
    (void)spec;
    return 3e-8 * (double)n * (double)(dx + dy);
}

double mib_cost_covariance(const mib_spec *spec, size_t n, size_t dx, size_t dy)
{
    double d = (double)(dx + dy);
    (void)spec;
    return 7e-9 * (double)n * d * (d + 1) + 1e-9 * d * d * d;
}

double mib_cost_ranks(const mib_spec *spec, size_t n, size_t dx, size_t dy)
{
    return mib_cost_covariance(spec, n, dx, dy) +
           2e-9 * (double)n * log2((double)n + 2) * (double)(dx + dy);
}

double mib_cost_knn(const mib_spec *spec, size_t n, size_t dx, size_t dy)
{
    (void)spec;
    return 2.5e-8 * (double)n * log2((double)n + 2) * (double)(dx + dy);
}

double mib_cost_pairs(const mib_spec *spec, size_t n, size_t dx, size_t dy)
{
    (void)spec;
    return 6e-9 * (double)n * (double)n * (double)(dx + dy);
}
