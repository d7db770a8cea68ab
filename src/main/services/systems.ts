/** systems.*: the catalogue, and a 1D energy curve along each system's reaction coordinate. */
import { referenceCurve } from '../../core/analysis/quadrature.js';
import { createSystem, listSystems } from '../../core/systems/catalog.js';
import type { EnergySystem } from '../../core/systems/types.js';
import { ServiceError } from './errors.js';
import type { ServiceTable } from './types.js';

/**
 * 2D systems: the effective potential −ln ∫ exp(−u) along the coordinate orthogonal to the (linear)
 * reaction coordinate, i.e. the reference F(rc) at τ = 1. The dimer: its bond potential along d
 * (the part of u that depends on d alone; the solvent adds no fixed curve).
 */
export function energyCurve(system: EnergySystem, points: number): { rc: number; energy: number }[] {
  const [lo, hi] = system.reactionCoordinate.range;
  const rc = new Float64Array(points);
  for (let i = 0; i < points; i++) rc[i] = points === 1 ? lo : lo + ((hi - lo) * i) / (points - 1);
  let energy: Float64Array;
  if (system.dim === 2) {
    energy = referenceCurve(system, rc, 1);
  } else if (system.id === 'dimer') {
    const { slope, a, b, dmid } = system.params;
    energy = rc.map((d) => {
      const d0 = 2 * (d - dmid);
      return slope * d0 - a * d0 * d0 + b * d0 ** 4;
    });
  } else {
    throw new ServiceError('invalid_request', `No energy curve for system ${system.id}`);
  }
  return Array.from(rc, (r, i) => ({ rc: r, energy: energy[i] })).filter((p) => Number.isFinite(p.energy));
}

function systemFrom(id: string, params: Record<string, number>): EnergySystem {
  try {
    return createSystem({ id, params });
  } catch (e) {
    throw new ServiceError('invalid_request', (e as Error).message);
  }
}

export function systemServices(): Pick<ServiceTable, 'systems.list' | 'systems.energyProfile'> {
  return {
    'systems.list': async () =>
      listSystems().map((s) => ({
        id: s.id,
        name: s.name,
        dim: s.dim,
        formula: s.formula,
        presets: s.presets,
        params: s.params.map((p) => ({ name: p.name, value: p.value, description: p.description })),
        reactionCoordinate: s.reactionCoordinate,
        states: s.states.map((st) => ({
          name: st.name,
          ...(st.min !== undefined ? { min: st.min } : {}),
          ...(st.max !== undefined ? { max: st.max } : {}),
        })),
        layout: s.layout,
        particleMoves: s.particleMoves,
      })),
    'systems.energyProfile': async ({ systemId, params, points }) =>
      energyCurve(systemFrom(systemId, params), points),
  };
}

export { systemFrom };
