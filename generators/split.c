/* split.c - bmi's structured correlation matrices (Czyz et al. 2023,
 * task_multinormal_dense / task_multinormal_sparse, GaussianLVMParametrization
 * with alpha = beta = 0, epsilon = 1, lambda = eta = strength) and their GSL
 * Cholesky factors. Sparse: the LVM covariance has 1 + s^2 on the diagonal and
 * s^2 between X_i and Y_i for i < n_interacting, so its correlation is
 * s^2 / (1 + s^2) there (0.8 at bmi's strength 2) and 0 elsewhere.
 * Log-determinants are 2 sum ln L_ii. Cost: O(d^3) once, O(d^2) per row.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>
#include "generators/split.h"

const char *const mib_split_structure_names[] = {"identity", "dense", "sparse", NULL};

void mib_split_fill(const mib_split_params *p, double *S)
{
    size_t d = p->dx + p->dy;
    double s2 = p->strength * p->strength, pair = s2 / (1 + s2);
    for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j < d; j++) {
            double v = i == j;
            if (i != j && p->structure == MIB_SPLIT_DENSE)
                v = p->off_diag;
            if (p->structure == MIB_SPLIT_SPARSE && i < p->n_interacting && j == p->dx + i)
                v = pair;
            if (p->structure == MIB_SPLIT_SPARSE && j < p->n_interacting && i == p->dx + j)
                v = pair;
            S[i * d + j] = v;
        }
}

static double logdet_of(const gsl_matrix *L, size_t from, size_t to)
{
    double s = 0;
    for (size_t i = from; i < to; i++)
        s += log(gsl_matrix_get(L, i, i));
    return 2 * s;
}

int mib_split_init(mib_split_law *law, const mib_split_params *p, const char *gen,
                   mib_err *err)
{
    int st = MIB_OK;
    size_t dmin = p->dx < p->dy ? p->dx : p->dy;
    *law = (mib_split_law){.dx = p->dx, .dy = p->dy, .d = p->dx + p->dy};
    if (p->structure == MIB_SPLIT_SPARSE && p->n_interacting > dmin) {
        st = mib_fail(err, MIB_EINVAL,
                      "generator '%s': n_interacting=%zu exceeds min(dim_x, dim_y) = %zu", gen,
                      p->n_interacting, dmin);
        goto fail;
    }
    law->chol = gsl_matrix_alloc(law->d, law->d);
    law->chol_y = gsl_matrix_alloc(p->dy, p->dy);
    if (!law->chol || !law->chol_y) {
        st = mib_fail(err, MIB_ENOMEM, "generator '%s': out of memory for a %zu x %zu matrix",
                      gen, law->d, law->d);
        goto fail;
    }
    mib_split_fill(p, law->chol->data);
    gsl_matrix_const_view yy = gsl_matrix_const_submatrix(law->chol, p->dx, p->dx, p->dy, p->dy);
    gsl_matrix_memcpy(law->chol_y, &yy.matrix);
    if (gsl_linalg_cholesky_decomp1(law->chol) || gsl_linalg_cholesky_decomp1(law->chol_y)) {
        st = mib_fail(err, MIB_EINVAL,
                      "generator '%s': the correlation matrix is not positive definite "
                      "(dense needs off_diag > -1/(dim_x + dim_y - 1))", gen);
        goto fail;
    }
    law->logdet = logdet_of(law->chol, 0, law->d);
    law->logdet_x = logdet_of(law->chol, 0, p->dx);
    law->logdet_y = logdet_of(law->chol_y, 0, p->dy);
    return MIB_OK;
fail:
    mib_split_free(law);
    return st;
}

void mib_split_free(mib_split_law *law)
{
    if (law->chol)
        gsl_matrix_free(law->chol);
    if (law->chol_y)
        gsl_matrix_free(law->chol_y);
    law->chol = law->chol_y = NULL;
}

double mib_split_gauss_mi(const mib_split_law *law)
{
    return 0.5 * (law->logdet_x + law->logdet_y - law->logdet);
}

void mib_split_draw(const mib_split_law *law, gsl_rng *r, size_t m, double *z)
{
    for (size_t j = 0; j < m * law->d; j++)
        z[j] = gsl_ran_gaussian_ziggurat(r, 1.0);
    gsl_matrix_view e = gsl_matrix_view_array(z, m, law->d);
    /* each row z' = e' L': one BLAS-3 call instead of m matrix-vector products */
    gsl_blas_dtrmm(CblasRight, CblasLower, CblasTrans, CblasNonUnit, 1.0, law->chol, &e.matrix);
}

static double sumsq(const double *w, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += w[i] * w[i];
    return s;
}

/* The forward solve L w = z yields Lx^-1 x in its first dx entries (L's
 * leading block is Sxx's factor), so one solve gives q and qx. */
void mib_split_quad(const mib_split_law *law, const double *x, const double *y, double *w,
                    double *q, double *qx, double *qy)
{
    size_t dx = law->dx, dy = law->dy;
    memcpy(w, x, dx * sizeof *w);
    memcpy(w + dx, y, dy * sizeof *w);
    gsl_vector_view v = gsl_vector_view_array(w, law->d);
    gsl_blas_dtrsv(CblasLower, CblasNoTrans, CblasNonUnit, law->chol, &v.vector);
    *q = sumsq(w, law->d);
    *qx = sumsq(w, dx);
    memcpy(w, y, dy * sizeof *w);
    gsl_vector_view vy = gsl_vector_view_array(w, dy);
    gsl_blas_dtrsv(CblasLower, CblasNoTrans, CblasNonUnit, law->chol_y, &vy.vector);
    *qy = sumsq(w, dy);
}
