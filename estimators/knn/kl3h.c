/* kl3h.c - the three-entropies estimator I = H(X) + H(Y) - H(X,Y), each H
 * the Kozachenko-Leonenko k-NN entropy with the max-norm and the same k
 * (Kozachenko & Leonenko 1987; the estimator KSG 2004 improve on: here the
 * three k-th neighbour distances differ, so their errors do not cancel).
 * With the max-norm the unit-ball volumes cancel: I = psi(N) - psi(k) +
 * <dx ln eps_x + dy ln eps_y - (dx + dy) ln eps_xy>. Raw values (no
 * standardisation: MI does not depend on the scales). Three KD-tree passes
 * (knn.c): O(N log N) time, O(N (dx + dy)) memory. Nats. Exact duplicates
 * (a k-th distance of 0) are refused. */
#include <stdlib.h>
#include <string.h>
#include "estimators/cost.h"
#include "estimators/columns.h"
#include "estimators/knn/knn.h"
#include "mibench/estimator.h"

enum { P_K };
static const mib_param_spec kl3h_params[] = {
    [P_K] = {.name = "k", .kind = MIB_PARAM_INT, .def = "3", .min = 1, .max = 10000,
             .help = "neighbours of each of the three k-NN entropies"},
    {.name = NULL},
};

/* h = the max-norm KL entropy of a block, its failure prefixed by which. */
static int block_entropy(const double *a, size_t n, size_t d, size_t k, int threads,
                         const char *which, double *h, mib_err *err)
{
    mib_err e = {""};
    int st = mib_knn_kl_entropy(a, n, d, k, 0, threads, h, &e);
    return st ? mib_fail(err, st, "kl3h: H(%s): %s", which, e.msg) : MIB_OK;
}

static int kl3h_estimate(const mib_data *d, const mib_spec *spec, const mib_workspace *ws,
                         mib_result *res, mib_err *err)
{
    const size_t n = d->n, k = (size_t)mib_spec_num(spec, P_K), dz = d->dx + d->dy;
    const int threads = ws->threads > 0 ? ws->threads : 1;
    double hx, hy, hxy;
    if (n <= k)
        return mib_fail(err, MIB_ESMALL,
                        "n=%zu samples is too few for k=%zu neighbours; kl3h needs n > k", n, k);
    int st = mib_columns_check_constant(d, err);
    if (st)
        return st;
    double *z = malloc(n * dz * sizeof *z);
    if (!z)
        return mib_fail(err, MIB_ENOMEM, "out of memory copying %zu x %zu values", n, dz);
    for (size_t i = 0; i < n; i++) {
        memcpy(z + i * dz, d->x + i * d->dx, d->dx * sizeof *z);
        memcpy(z + i * dz + d->dx, d->y + i * d->dy, d->dy * sizeof *z);
    }
    if (!(st = block_entropy(d->x, n, d->dx, k, threads, "X", &hx, err)) &&
        !(st = block_entropy(d->y, n, d->dy, k, threads, "Y", &hy, err)) &&
        !(st = block_entropy(z, n, dz, k, threads, "X,Y", &hxy, err)))
        res->mi = hx + hy - hxy;
    free(z);
    return st;
}

const mib_estimator_type mib_estimator_kl3h = {
    .info = {"kl3h", "H(X) + H(Y) - H(X,Y) with Kozachenko-Leonenko k-NN entropies (max-norm)",
             kl3h_params},
    .estimate = kl3h_estimate,
    .cost = mib_cost_knn,
};
