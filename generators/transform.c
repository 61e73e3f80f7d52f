/* transform.c - the injective maps of transform.h and their inverses.
 * Elementwise maps are strictly increasing; wiggly's inverse is a safeguarded
 * Newton iteration inside the bracket [w - a, w + a] (slope >= 1 - ab = 0.2).
 * spiral rotates coordinate pairs (0,1), (2,3), ... (and (d-2, d-1) when d is
 * odd) by theta = speed ||v||^2; rotations keep the norm, so the inverse
 * rotates back by the same theta. Its Jacobian determinant is 1. O(d) each.
 */
#include <math.h>
#include <gsl/gsl_cdf.h>
#include "generators/transform.h"

const char *const mib_transform_names[] = {"none", "cubic", "asinh", "halfcube",
                                           "wiggly", "cdf", "spiral", NULL};

static double wiggly(double v)
{
    return v + MIB_WIGGLY_A * sin(MIB_WIGGLY_B * v);
}

static double wiggly_inverse(double w)
{
    double lo = w - MIB_WIGGLY_A, hi = w + MIB_WIGGLY_A, v = w;
    for (int it = 0; it < 100; it++) {
        double g = wiggly(v) - w;
        if (g == 0)
            break;
        if (g > 0)
            hi = v;
        else
            lo = v;
        double next = v - g / (1 + MIB_WIGGLY_A * MIB_WIGGLY_B * cos(MIB_WIGGLY_B * v));
        if (!(next > lo && next < hi)) /* Newton left the bracket: bisect */
            next = 0.5 * (lo + hi);
        if (fabs(next - v) <= 1e-16 * (1 + fabs(v))) {
            v = next;
            break;
        }
        v = next;
    }
    return v;
}

/* Rotate the pair (i, j) of v by the angle whose cosine and sine are c, s. */
static void rotate(double *v, size_t i, size_t j, double c, double s)
{
    double a = v[i], b = v[j];
    v[i] = c * a - s * b;
    v[j] = s * a + c * b;
}

static void spiral(double *v, size_t d, int direction)
{
    double r2 = 0;
    for (size_t i = 0; i < d; i++)
        r2 += v[i] * v[i];
    double theta = direction * MIB_SPIRAL_SPEED * r2, c = cos(theta), s = sin(theta);
    size_t pairs = d / 2;
    if (direction > 0) {
        for (size_t k = 0; k < pairs; k++)
            rotate(v, 2 * k, 2 * k + 1, c, s);
        if (d % 2)
            rotate(v, d - 2, d - 1, c, s);
    } else { /* the inverse undoes the rotations in reverse order */
        if (d % 2)
            rotate(v, d - 2, d - 1, c, s);
        for (size_t k = pairs; k-- > 0;)
            rotate(v, 2 * k, 2 * k + 1, c, s);
    }
}

void mib_transform_apply(int t, double *v, size_t d)
{
    if (t == MIB_TF_SPIRAL) {
        spiral(v, d, +1);
        return;
    }
    for (size_t i = 0; i < d; i++) {
        double a = v[i];
        switch (t) {
        case MIB_TF_CUBIC: v[i] = a * a * a; break;
        case MIB_TF_ASINH: v[i] = asinh(a); break;
        case MIB_TF_HALFCUBE: v[i] = a * sqrt(fabs(a)); break;
        case MIB_TF_WIGGLY: v[i] = wiggly(a); break;
        case MIB_TF_CDF: v[i] = gsl_cdf_ugaussian_P(a); break;
        default: break;
        }
    }
}

int mib_transform_invert(int t, double *v, size_t d)
{
    if (t == MIB_TF_SPIRAL) {
        spiral(v, d, -1);
        return 0;
    }
    for (size_t i = 0; i < d; i++) {
        double w = v[i];
        switch (t) {
        case MIB_TF_CUBIC: v[i] = cbrt(w); break;
        case MIB_TF_ASINH: v[i] = sinh(w); break;
        case MIB_TF_HALFCUBE: v[i] = copysign(pow(fabs(w), 2.0 / 3.0), w); break;
        case MIB_TF_WIGGLY: v[i] = wiggly_inverse(w); break;
        case MIB_TF_CDF:
            if (!(w > 0 && w < 1))
                return -1;
            v[i] = gsl_cdf_ugaussian_Pinv(w);
            break;
        default: break;
        }
    }
    return 0;
}
