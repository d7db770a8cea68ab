#include "dimer.h"

#include <math.h>
#include <string.h>

#define P BGW_DIMER_PARTICLES

/* Repulsion felt by particle p from every other particle except its dimer partner. Each pair is
 * visited from both ends (twice the arithmetic of i < j) so the loop over q has no scattered
 * writes and vectorises; `keep` is 0 for q = p and the dimer bond, 1 otherwise. Returns the
 * pair-energy sum seen from p (every pair counted twice over all p). */
static inline __attribute__((always_inline)) double pairs_of(int p, const double *px, const double *py,
                                                            const double *keep, double rm2,
                                                            double eps12, double *fx, double *fy) {
  const double qx = px[p], qy = py[p];
  double rep = 0, ax = 0, ay = 0;
  for (int q = 0; q < P; q++) {
    const double rx = qx - px[q], ry = qy - py[q];
    const double r2 = keep[q] != 0 ? rx * rx + ry * ry : 1.0;
    const double inv = 1.0 / r2;
    const double s2 = rm2 * inv;
    const double s6 = s2 * s2 * s2;
    const double pe = keep[q] * (s6 * s6);
    rep += pe;
    const double f = eps12 * pe * inv;
    ax += f * rx;
    ay += f * ry;
  }
  if (fx) {
    fx[p] += ax;
    fy[p] += ay;
  }
  return rep;
}

static inline __attribute__((always_inline)) double wall(double v, double L, double kbox, double *f) {
  if (v > L) {
    if (f) *f -= 4 * kbox * (v - L);
    return 2 * kbox * (v - L) * (v - L);
  }
  if (v < -L) {
    if (f) *f -= 4 * kbox * (v + L);
    return 2 * kbox * (v + L) * (v + L);
  }
  return 0;
}

void bgw_dimer(const float *x32, const double *x64, int n, const double *params,
                             double *energy, double *forces) {
  const double eps = params[0], rm = params[1], slope = params[2], a = params[3], b = params[4];
  const double dmid = params[5], kd = params[6], L = params[7], kbox = params[8];
  const double rm2 = rm * rm, eps12 = 12 * eps;
  double px[P], py[P], fxs[P], fys[P];
  double *fx = forces ? fxs : NULL, *fy = forces ? fys : NULL;
  double keep[P][P]; /* per call, not static: worker threads share this library */
  for (int p = 0; p < P; p++)
    for (int q = 0; q < P; q++) keep[p][q] = p == q || (p < 2 && q < 2) ? 0.0 : 1.0;
  for (int i = 0; i < n; i++) {
    const long o = (long)i * 2 * P;
    for (int p = 0; p < P; p++) {
      px[p] = x32 ? x32[o + 2 * p] : x64[o + 2 * p];
      py[p] = x32 ? x32[o + 2 * p + 1] : x64[o + 2 * p + 1];
    }
    if (forces) {
      memset(fxs, 0, sizeof fxs);
      memset(fys, 0, sizeof fys);
    }
    const double x0 = px[0], y0 = py[0], x1 = px[1], y1 = py[1];
    const double cx = x0 + x1;
    double e = kd * cx * cx + kd * y0 * y0 + kd * y1 * y1;
    const double dx = x0 - x1, dy = y0 - y1;
    const double d = sqrt(dx * dx + dy * dy);
    const double d0 = 2 * (d - dmid), d02 = d0 * d0;
    e += slope * d0 - a * d02 + b * d02 * d02;
    if (forces) {
      fx[0] -= 2 * kd * cx;
      fx[1] -= 2 * kd * cx;
      fy[0] -= 2 * kd * y0;
      fy[1] -= 2 * kd * y1;
      const double g = 2 * (slope - 2 * a * d0 + 4 * b * d02 * d0) / d;
      fx[0] -= g * dx;
      fy[0] -= g * dy;
      fx[1] += g * dx;
      fy[1] += g * dy;
    }
    for (int p = 0; p < P; p++) {
      e += wall(px[p], L, kbox, fx ? fx + p : NULL);
      e += wall(py[p], L, kbox, fy ? fy + p : NULL);
    }
    double rep = 0;
    for (int p = 0; p < P; p++) rep += pairs_of(p, px, py, keep[p], rm2, eps12, fx, fy);
    energy[i] = e + eps * 0.5 * rep;
    if (forces) {
      for (int p = 0; p < P; p++) {
        forces[o + 2 * p] = fxs[p];
        forces[o + 2 * p + 1] = fys[p];
      }
    }
  }
}
