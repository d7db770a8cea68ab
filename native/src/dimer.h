/* The paper's particle dimer in a repulsive bath: energy and forces of n configurations of 38
 * particles in 2D. The same formula as src/core/systems/dimer.ts (the reference and fallback). */
#ifndef BGW_DIMER_H
#define BGW_DIMER_H

enum { BGW_DIMER_PARTICLES = 38, BGW_DIMER_PARAMS = 9 };

/* params: eps, rm, slope, a, b, dmid, kd, L, kbox. x32 or x64 holds n×76 coordinates (the other is
 * NULL); forces (n×76, = −∇u) may be NULL. */
void bgw_dimer(const float *x32, const double *x64, int n, const double *params, double *energy,
               double *forces);

#endif
