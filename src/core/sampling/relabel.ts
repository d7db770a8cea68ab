/**
 * Permutation relabelling of identical (solvent) particles: per frame, the assignment of frame
 * particles to reference positions with minimal total distance (Hungarian / Jonker–Volgenant, npm
 * linear-sum-assignment), so a flow need not learn permutation symmetry (SCIENCE.md).
 */
import { linearSumAssignment } from 'linear-sum-assignment';
import type { EnergySystem } from '../systems/types.js';

/** Particles that are interchangeable: all but the highlighted ones (the dimer); none without a layout. */
export function solventOf(system: EnergySystem): number[] {
  if (!system.layout) return [];
  const highlighted = new Set(system.layout.highlighted);
  return Array.from({ length: system.layout.particles }, (_, i) => i).filter((i) => !highlighted.has(i));
}

export function relabelIdentical(
  frames: Float32Array,
  nFrames: number,
  reference: Float64Array,
  identical: number[],
  spatialDims = 2,
): Float32Array {
  const dim = reference.length;
  if (frames.length !== nFrames * dim) {
    throw new Error(`frames hold ${frames.length} values, expected ${nFrames}×${dim}`);
  }
  const m = identical.length;
  const out = Float32Array.from(frames);
  const cost: Float64Array[] = Array.from({ length: m }, () => new Float64Array(m));
  for (let f = 0; f < nFrames; f++) {
    const o = f * dim;
    // Rows: frame particles; columns: reference slots; cost = Euclidean distance (as the paper's code).
    for (let i = 0; i < m; i++) {
      const pi = identical[i] * spatialDims;
      for (let j = 0; j < m; j++) {
        const pj = identical[j] * spatialDims;
        let d2 = 0;
        for (let s = 0; s < spatialDims; s++) {
          const d = frames[o + pi + s] - reference[pj + s];
          d2 += d * d;
        }
        cost[i][j] = Math.sqrt(d2);
      }
    }
    const { columnAssignments } = linearSumAssignment(cost, { maximaze: false });
    for (let j = 0; j < m; j++) {
      const src = identical[columnAssignments[j]] * spatialDims;
      const dst = identical[j] * spatialDims;
      for (let s = 0; s < spatialDims; s++) out[o + dst + s] = frames[o + src + s];
    }
  }
  return out;
}
