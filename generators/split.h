/* split.h - the structured (dx + dy)-dimensional correlation matrices of
 * bmi's SplitMultinormal / SplitStudentT tasks (Czyz et al. 2023), their
 * Cholesky factors and log-determinants; shared by the multinormal and
 * multistudent generators (internal to the generators). */
#ifndef MIB_GEN_SPLIT_H
#define MIB_GEN_SPLIT_H

#include <stddef.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_rng.h>
#include "mibench/status.h"

/* Largest dim_x and dim_y (pmi costs O((dx + dy)^2) per row). */
#define MIB_SPLIT_MAX_DIM 500

enum mib_split_structure {
    MIB_SPLIT_IDENTITY, /* S = I: X and Y independent (MI 0 for normals) */
    MIB_SPLIT_DENSE,    /* S = (1 - c) I + c 11': every pair correlated by c = off_diag */
    MIB_SPLIT_SPARSE,   /* bmi's sparse LVM: Corr(X_i, Y_i) = s^2 / (1 + s^2) for
                           i < n_interacting (s = strength), all else 0 */
};

/* Choice words in enum order, NULL-terminated (the parameter tables). */
extern const char *const mib_split_structure_names[];

typedef struct mib_split_params {
    int structure;        /* enum mib_split_structure */
    size_t dx, dy;
    double off_diag;      /* dense */
    size_t n_interacting; /* sparse */
    double strength;      /* sparse */
} mib_split_params;

typedef struct mib_split_law {
    size_t dx, dy, d;     /* d = dx + dy */
    gsl_matrix *chol;     /* lower Cholesky factor of S (d x d); its leading
                             dx block is the factor of Sxx */
    gsl_matrix *chol_y;   /* lower Cholesky factor of Syy */
    double logdet, logdet_x, logdet_y; /* ln det S, Sxx, Syy */
} mib_split_law;

/* Fill S (d x d, row-major) with the correlation matrix of p. */
void mib_split_fill(const mib_split_params *p, double *S);

/* Build S and factor it. gen names the generator in messages. MIB_EINVAL
 * when n_interacting exceeds min(dx, dy) or S is not positive definite,
 * MIB_ENOMEM; law is then empty (mib_split_free is still safe). */
int mib_split_init(mib_split_law *law, const mib_split_params *p, const char *gen,
                   mib_err *err);

/* Release the factors; accepts a zeroed law. */
void mib_split_free(mib_split_law *law);

/* 1/2 (ln det Sxx + ln det Syy - ln det S): the Gaussian MI of S. */
double mib_split_gauss_mi(const mib_split_law *law);

/* m rows z ~ N(0, S) into z (m x d, row-major): the m d standard normals
 * (ziggurat, row by row), then Z = E L' in one triangular matrix product. */
void mib_split_draw(const mib_split_law *law, gsl_rng *r, size_t m, double *z);

/* Quadratic forms q = z' S^-1 z, qx = x' Sxx^-1 x, qy = y' Syy^-1 y of the
 * row z = (x, y), by triangular solves; w is scratch of d doubles. */
void mib_split_quad(const mib_split_law *law, const double *x, const double *y, double *w,
                    double *q, double *qx, double *qy);

#endif
