/* mixed_ksg.c - the mixed KSG estimator of Gao, Kannan, Oh & Viswanath 2017
 * ("Estimating mutual information for discrete-continuous mixtures",
 * NeurIPS), for data that are continuous, discrete or any mixture:
 *   I = < psi(k_i) + ln N - ln(n_x,i + 1) - ln(n_y,i + 1) >,
 * rho_i the joint max-norm distance to the k-th neighbour; k_i = k when
 * rho_i > 0, else the number of other points at joint distance 0 (their
 * zero-distance rule); n_x,i, n_y,i the other points within <= rho_i in
 * each marginal (form=paper, the paper's Algorithm 1). On purely discrete
 * data it is the plug-in up to psi(c - 1) - ln c per cell of c points. At
 * fixed k it is biased where one marginal count equals the joint one (about
 * psi(k) - ln(k + 1) = -0.29 nats per such point for k = 5, e.g. Y | X ~
 * U(X, X + 2) away from the overlaps), so the default, form=code, follows
 * the authors' published code (wgao9/mixed_KSG, mixed.py) instead:
 *   < psi(kk_i) + ln N - psi(m_x,i) - psi(m_y,i) >,
 * counts including point i, strict (< rho_i) when rho_i > 0 and at distance
 * 0 when rho_i = 0 (kk_i then the joint count, else k): KSG-1 with a
 * zero-distance rule. Raw values (no standardisation, no jitter: ties are
 * data here). KD-trees (knn.c): O(N log N) time for spread data, O(N (dx +
 * dy)) memory. Nats. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_sf_psi.h>
#include "estimators/cost.h"
#include "estimators/columns.h"
#include "estimators/knn/knn.h"
#include "mibench/estimator.h"

enum { P_K, P_FORM };
static const char *const forms[] = {"paper", "code", NULL};
static const mib_param_spec mixed_params[] = {
    [P_K] = {.name = "k", .kind = MIB_PARAM_INT, .def = "5", .min = 1, .max = 10000,
             .help = "neighbours in the joint space (Gao et al. use 5)"},
    [P_FORM] = {.name = "form", .kind = MIB_PARAM_CHOICE, .def = "code", .choices = forms,
                .help = "paper: ln(n + 1) of <= counts (Algorithm 1); code: psi of strict "
                        "counts, as the authors' mixed.py (unbiased at fixed k on mixtures)"},
    {.name = NULL},
};

static int mixed_estimate(const mib_data *d, const mib_spec *spec, const mib_workspace *ws,
                          mib_result *res, mib_err *err)
{
    const size_t n = d->n, k = (size_t)mib_spec_num(spec, P_K), dz = d->dx + d->dy;
    const int threads = ws->threads > 0 ? ws->threads : 1, code = mib_spec_choice(spec, P_FORM);
    if (n <= k)
        return mib_fail(err, MIB_ESMALL, "n=%zu samples is too few for k=%zu neighbours; "
                        "mixed-ksg needs n > k", n, k);
    int st = mib_columns_check_constant(d, err);
    if (st)
        return st;
    double *z = malloc(n * dz * sizeof *z), *rho = malloc(n * sizeof *rho),
           *r = malloc(n * sizeof *r);
    size_t *cx = malloc(n * sizeof *cx), *cy = malloc(n * sizeof *cy),
           *cz = malloc(n * sizeof *cz);
    if (!z || !rho || !r || !cx || !cy || !cz) {
        st = mib_fail(err, MIB_ENOMEM, "out of memory for mixed-ksg on %zu samples", n);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        memcpy(z + i * dz, d->x + i * d->dx, d->dx * sizeof *z);
        memcpy(z + i * dz + d->dx, d->y + i * d->dy, d->dy * sizeof *z);
    }
    if ((st = mib_knn_distances(z, n, dz, k, 0, threads, rho, err)))
        goto done;
    /* paper: <= rho_i; code: < rho_i (<= the largest double below it), or
     * distance 0 when rho_i = 0 */
    for (size_t i = 0; i < n; i++)
        r[i] = code ? nextafter(rho[i], 0) : rho[i];
    if ((st = mib_knn_counts(d->x, n, d->dx, r, 0, threads, cx, err)) ||
        (st = mib_knn_counts(d->y, n, d->dy, r, 0, threads, cy, err)))
        goto done;
    int zeros = 0;
    for (size_t i = 0; i < n && !zeros; i++)
        zeros = rho[i] == 0;
    /* the joint points at distance <= rho_i: only read where rho_i = 0 */
    if (zeros && (st = mib_knn_counts(z, n, dz, r, 0, threads, cz, err)))
        goto done;
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        /* counts include point i: paper n_x,i + 1 = cx[i] and k_i = cz[i] - 1
         * (>= k); code psi(cx[i]) and kk_i = cz[i] */
        double ki = rho[i] > 0 ? (double)k : (double)(cz[i] - (code ? 0 : 1));
        sum += gsl_sf_psi(ki) - (code ? gsl_sf_psi((double)cx[i]) + gsl_sf_psi((double)cy[i])
                                      : log((double)cx[i]) + log((double)cy[i]));
    }
    res->mi = sum / (double)n + log((double)n);
done:
    free(z);
    free(rho);
    free(r);
    free(cx);
    free(cy);
    free(cz);
    return st;
}

const mib_estimator_type mib_estimator_mixed_ksg = {
    .info = {"mixed-ksg",
             "Gao-Kannan-Oh-Viswanath KSG for discrete-continuous mixtures (zero-distance rule)",
             mixed_params},
    .estimate = mixed_estimate,
    .cost = mib_cost_knn,
};
