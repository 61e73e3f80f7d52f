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
 * zero-distance rule.
 * With a conditioning block Z, I(X;Y|Z), rho_i in the joint (x, y, z) space
 * and the marginals xz, yz and z in place of x, y and the N points:
 *   form=code: < psi(kk_i) - psi(m_xz,i) - psi(m_yz,i) + psi(m_z,i) >, kk and
 *     the counts as above: Frenzel & Pompe's conditional KSG-1 (ksg1 with Z,
 *     which it equals on tie-free data) with the zero-distance rule.
 *   form=paper: Mesner & Shalizi 2020 ("Conditional mutual information
 *     estimation for mixed, discrete and continuous data", IEEE Trans. Inf.
 *     Theory 67(1); their knncmi.py): < psi(k~_i) - psi(n_xz,i) - psi(n_yz,i)
 *     + psi(n_z,i) >, k~_i and the n's the other points within <= rho_i in
 *     the joint, xz, yz and z spaces (k~_i = k but for ties at rho_i);
 *     raw, not clamped at 0 as knncmi's minzero does.
 * On discrete data both tend to the plug-in CMI. Raw values (no
 * standardisation, no jitter: ties are data here). KD-trees (knn.c):
 * O(N log N) time for spread data, O(N (dx + dy + dz)) memory. Nats. */
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
                .help = "paper: ln(n + 1) of <= counts (Algorithm 1; with Z Mesner & "
                        "Shalizi's psi(n) of <= counts); code: psi of strict counts, as the "
                        "authors' mixed.py (unbiased at fixed k on mixtures)"},
    {.name = NULL},
};

/* Block a (n x da, row-major) into columns [off, off + da) of out (n x dout). */
static void put(double *out, size_t dout, size_t off, const double *a, size_t da, size_t n)
{
    for (size_t i = 0; i < n; i++)
        memcpy(out + i * dout + off, a + i * da, da * sizeof *out);
}

/* Point i's term from its joint distance rho and its counts (each
 * including i: w joint, a x or xz, b y or yz, c z) at the form's radius. */
static double term(int code, int cond, size_t k, double rho, size_t w, size_t a, size_t b,
                   size_t c)
{
    if (cond && !code) /* Mesner & Shalizi: counts of the others */
        return gsl_sf_psi((double)(w - 1)) - gsl_sf_psi((double)(a - 1)) -
               gsl_sf_psi((double)(b - 1)) + gsl_sf_psi((double)(c - 1));
    /* paper n_x,i + 1 = a and k_i = w - 1 (>= k); code psi(a) and kk_i = w */
    double ki = rho > 0 ? (double)k : (double)(w - (code ? 0 : 1));
    if (cond)
        return gsl_sf_psi(ki) - gsl_sf_psi((double)a) - gsl_sf_psi((double)b) +
               gsl_sf_psi((double)c);
    return gsl_sf_psi(ki) - (code ? gsl_sf_psi((double)a) + gsl_sf_psi((double)b)
                                  : log((double)a) + log((double)b));
}

static int mixed_estimate(const mib_data *d, const mib_spec *spec, const mib_workspace *ws,
                          mib_result *res, mib_err *err)
{
    const size_t n = d->n, k = (size_t)mib_spec_num(spec, P_K), dx = d->dx, dy = d->dy,
                 dc = d->dz, dw = dx + dy + dc;
    const int threads = ws->threads > 0 ? ws->threads : 1, code = mib_spec_choice(spec, P_FORM),
              cond = dc > 0;
    if (n <= k)
        return mib_fail(err, MIB_ESMALL, "n=%zu samples is too few for k=%zu neighbours; "
                        "mixed-ksg needs n > k", n, k);
    int st = mib_columns_check_constant(d, err);
    if (st)
        return st;
    /* the joint block [x y z]; with Z also [x z] and [y z] */
    double *w = malloc(n * dw * sizeof *w), *rho = malloc(n * sizeof *rho),
           *r = malloc(n * sizeof *r);
    double *xz = cond ? malloc(n * (dx + dc) * sizeof *xz) : NULL,
           *yz = cond ? malloc(n * (dy + dc) * sizeof *yz) : NULL;
    size_t *cw = calloc(n, sizeof *cw), *ca = malloc(n * sizeof *ca),
           *cb = malloc(n * sizeof *cb), *cc = cond ? malloc(n * sizeof *cc) : NULL;
    if (!w || !rho || !r || !cw || !ca || !cb || (cond && (!xz || !yz || !cc))) {
        st = mib_fail(err, MIB_ENOMEM, "out of memory for mixed-ksg on %zu samples", n);
        goto done;
    }
    put(w, dw, 0, d->x, dx, n);
    put(w, dw, dx, d->y, dy, n);
    if (cond) {
        put(w, dw, dx + dy, d->z, dc, n);
        put(xz, dx + dc, 0, d->x, dx, n);
        put(xz, dx + dc, dx, d->z, dc, n);
        put(yz, dy + dc, 0, d->y, dy, n);
        put(yz, dy + dc, dy, d->z, dc, n);
    }
    if ((st = mib_knn_distances(w, n, dw, k, 0, threads, rho, err)))
        goto done;
    /* paper: <= rho_i; code: < rho_i (<= the largest double below it), or
     * distance 0 when rho_i = 0 */
    int zeros = 0;
    for (size_t i = 0; i < n; i++) {
        r[i] = code ? nextafter(rho[i], 0) : rho[i];
        zeros |= rho[i] == 0;
    }
    if ((st = mib_knn_counts(cond ? xz : d->x, n, dx + dc, r, 0, threads, ca, err)) ||
        (st = mib_knn_counts(cond ? yz : d->y, n, dy + dc, r, 0, threads, cb, err)) ||
        (cond && (st = mib_knn_counts(d->z, n, dc, r, 0, threads, cc, err))))
        goto done;
    /* the joint count (0 when not needed): read where rho_i = 0, and for
     * Mesner-Shalizi's k~ */
    if ((zeros || (cond && !code)) && (st = mib_knn_counts(w, n, dw, r, 0, threads, cw, err)))
        goto done;
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += term(code, cond, k, rho[i], cw[i], ca[i], cb[i], cond ? cc[i] : 0);
    res->mi = sum / (double)n + (cond ? 0 : log((double)n));
done:
    free(w);
    free(rho);
    free(r);
    free(xz);
    free(yz);
    free(cw);
    free(ca);
    free(cb);
    free(cc);
    return st;
}

const mib_estimator_type mib_estimator_mixed_ksg = {
    .info = {"mixed-ksg",
             "Gao-Kannan-Oh-Viswanath KSG for discrete-continuous mixtures (zero-distance rule)",
             mixed_params},
    .flags = MIB_EST_CONDITIONAL,
    .estimate = mixed_estimate,
    .cost = mib_cost_knn,
};
