import type { EnergySystem } from '../../../src/core/systems/types.js';

/** −∇u by central differences, one coordinate at a time, float64. */
export function finiteDifferenceForces(
  sys: EnergySystem,
  x: Float64Array,
  n: number,
  h: number,
): Float64Array {
  const dim = sys.dim;
  const out = new Float64Array(n * dim);
  const y = Float64Array.from(x);
  for (let c = 0; c < dim; c++) {
    for (let i = 0; i < n; i++) y[i * dim + c] = x[i * dim + c] + h;
    const up = sys.energy(y, n);
    for (let i = 0; i < n; i++) y[i * dim + c] = x[i * dim + c] - h;
    const down = sys.energy(y, n);
    for (let i = 0; i < n; i++) {
      y[i * dim + c] = x[i * dim + c];
      out[i * dim + c] = -(up[i] - down[i]) / (2 * h);
    }
  }
  return out;
}
