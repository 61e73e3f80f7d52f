/* ross.c - MI between a discrete and a continuous variable (Ross 2014,
 * "Mutual information between discrete and continuous data sets", PLoS
 * ONE 9(2) e87357), exactly as scikit-learn's _compute_mi_cd (behind
 * mutual_info_classif) computes it, but with any number of continuous
 * columns (max-norm; for one column the same distances):
 *   I = psi(N) + <psi(k_i)> - <psi(N_c,i)> - <psi(m_i)>,
 * per point i of class c (N_c,i points): r_i its k_i-th neighbour distance
 * within its class, k_i = min(k, N_c,i - 1); m_i the points of any class
 * (i included) at distance < r_i (<= 0 when r_i = 0: scikit-learn's
 * nextafter(r, 0) radius). Points of classes of one sample are dropped
 * first and N counts those left, as scikit-learn does. Reported raw
 * (scikit-learn clamps at 0). One KD-tree per class and one over all
 * (knn.c): O(N log N) time, O(N d) memory. Nats. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_sf_psi.h>
#include "estimators/cost.h"
#include "estimators/columns.h"
#include "estimators/knn/knn.h"
#include "mibench/estimator.h"

enum { P_K, P_DISCRETE };
static const char *const sides[] = {"x", "y", NULL};
static const mib_param_spec ross_params[] = {
    [P_K] = {.name = "k", .kind = MIB_PARAM_INT, .def = "3", .min = 1, .max = 10000,
             .help = "neighbours within a class (scikit-learn's n_neighbors)"},
    [P_DISCRETE] = {.name = "discrete", .kind = MIB_PARAM_CHOICE, .def = "y", .choices = sides,
                    .help = "the discrete side: one column of integer class labels; the "
                            "other side is continuous (any number of columns)"},
    {.name = NULL},
};

/* The side roles, checked: labels one column of integers, the continuous
 * columns not constant. */
typedef struct sides_of {
    const double *lab, *c;
    size_t dc;
    char dn, cn; /* 'x' or 'y' */
} sides_of;

static int check_sides(const mib_data *d, int disc_y, sides_of *s, mib_err *err)
{
    *s = disc_y ? (sides_of){d->y, d->x, d->dx, 'y', 'x'} : (sides_of){d->x, d->y, d->dy, 'x', 'y'};
    size_t dl = disc_y ? d->dy : d->dx;
    if (dl != 1)
        return mib_fail(err, MIB_EUNSUPPORTED, "ross: the discrete side %c must be one column "
                        "of class labels (d%c=%zu); see the discrete parameter", s->dn, s->dn,
                        dl);
    for (size_t i = 0; i < d->n; i++)
        if (s->lab[i] != floor(s->lab[i]))
            return mib_fail(err, MIB_EDATA, "%c has a non-integer value (%.17g) at row %zu, "
                            "%c0; ross with discrete=%c needs integer class labels there",
                            s->dn, s->lab[i], i, s->dn, s->dn);
    for (size_t j = 0; j < s->dc; j++) {
        size_t i = 1;
        while (i < d->n && s->c[i * s->dc + j] == s->c[j])
            i++;
        if (i == d->n)
            return mib_fail(err, MIB_EDATA, "column %c%zu is constant (every value is %.17g); "
                            "it carries no information and has no scale, so drop it",
                            s->cn, j, s->c[j]);
    }
    return MIB_OK;
}

/* Per point (by row): the radius r (nextafter(r_i, 0), as scikit-learn),
 * k_i and its class size, from one KD-tree per class of at least 2. */
static int class_radii(const sides_of *s, size_t n, size_t k, int threads, double *r,
                       size_t *ki, size_t *nc, mib_err *err)
{
    const size_t dc = s->dc;
    size_t *order = malloc(n * sizeof *order);
    double *buf = malloc(n * dc * sizeof *buf), *eps = malloc(n * sizeof *eps);
    int st = MIB_OK;
    if (!order || !buf || !eps)
        st = mib_fail(err, MIB_ENOMEM, "out of memory for ross on %zu samples", n);
    if (!st)
        st = mib_columns_order(s->lab, n, 1, 0, order, err);
    for (size_t lo = 0, hi; !st && lo < n; lo = hi) {
        for (hi = lo + 1; hi < n && s->lab[order[hi]] == s->lab[order[lo]]; hi++)
            ;
        const size_t m = hi - lo, kc = m - 1 < k ? m - 1 : k;
        for (size_t p = lo; p < hi; p++)
            nc[order[p]] = m;
        if (m < 2)
            continue;
        for (size_t p = lo; p < hi; p++)
            memcpy(buf + (p - lo) * dc, s->c + order[p] * dc, dc * sizeof *buf);
        st = mib_knn_distances(buf, m, dc, kc, 0, threads, eps, err);
        for (size_t p = lo; !st && p < hi; p++) {
            r[order[p]] = nextafter(eps[p - lo], 0);
            ki[order[p]] = kc;
        }
    }
    free(order);
    free(buf);
    free(eps);
    return st;
}

static int ross_estimate(const mib_data *d, const mib_spec *spec, const mib_workspace *ws,
                         mib_result *res, mib_err *err)
{
    const size_t n = d->n, k = (size_t)mib_spec_num(spec, P_K);
    const int threads = ws->threads > 0 ? ws->threads : 1;
    sides_of s;
    int st = check_sides(d, mib_spec_choice(spec, P_DISCRETE) == 1, &s, err);
    if (st)
        return st;
    double *r = malloc(n * sizeof *r), *cf = malloc(n * s.dc * sizeof *cf),
           *rf = malloc(n * sizeof *rf);
    size_t *ki = malloc(n * sizeof *ki), *nc = malloc(n * sizeof *nc),
           *m = malloc(n * sizeof *m), nf = 0;
    if (!r || !cf || !rf || !ki || !nc || !m) {
        st = mib_fail(err, MIB_ENOMEM, "out of memory for ross on %zu samples", n);
        goto done;
    }
    if ((st = class_radii(&s, n, k, threads, r, ki, nc, err)))
        goto done;
    for (size_t i = 0; i < n; i++) /* drop the points of one-sample classes */
        if (nc[i] > 1) {
            memcpy(cf + nf * s.dc, s.c + i * s.dc, s.dc * sizeof *cf);
            rf[nf++] = r[i];
        }
    if (nf == 0) {
        st = mib_fail(err, MIB_ESMALL, "ross: every class of %c has a single sample; it needs "
                      "classes of at least 2", s.dn);
        goto done;
    }
    if ((st = mib_knn_counts(cf, nf, s.dc, rf, 0, threads, m, err)))
        goto done;
    double sk = 0, sn = 0, sm = 0;
    for (size_t i = 0, f = 0; i < n; i++)
        if (nc[i] > 1) {
            sk += gsl_sf_psi((double)ki[i]);
            sn += gsl_sf_psi((double)nc[i]);
            sm += gsl_sf_psi((double)m[f++]);
        }
    const double dn = (double)nf;
    res->mi = gsl_sf_psi(dn) + sk / dn - sn / dn - sm / dn;
done:
    free(r);
    free(cf);
    free(rf);
    free(ki);
    free(nc);
    free(m);
    return st;
}

const mib_estimator_type mib_estimator_ross = {
    .info = {"ross", "Ross 2014 MI of discrete class labels and continuous data "
                     "(scikit-learn's mutual_info_classif)", ross_params},
    .flags = MIB_EST_MIXED,
    .estimate = ross_estimate,
    .cost = mib_cost_knn,
};
