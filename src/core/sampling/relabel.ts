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

/**
 * Row-major m×m costs of one frame (starting at `offset`): row i, frame particle identical[i];
 * column j, the reference slot of identical[j]; cost = Euclidean distance (as the paper's code).
 */
function assignmentCosts(
  frames: Float32Array,
  offset: number,
  reference: Float64Array,
  identical: number[],
  spatialDims: number,
  out: Float64Array,
): void {
  const m = identical.length;
  for (let i = 0; i < m; i++) {
    const pi = offset + identical[i] * spatialDims;
    for (let j = 0; j < m; j++) {
      const pj = identical[j] * spatialDims;
      let d2 = 0;
      for (let s = 0; s < spatialDims; s++) {
        const d = frames[pi + s] - reference[pj + s];
        d2 += d * d;
      }
      out[i * m + j] = Math.sqrt(d2);
    }
  }
}

/** Values per frame (the reference's length), after checking that `frames` holds nFrames of them. */
function checkedDim(frames: Float32Array, nFrames: number, reference: Float64Array): number {
  const dim = reference.length;
  if (frames.length !== nFrames * dim) {
    throw new Error(`frames hold ${frames.length} values, expected ${nFrames}×${dim}`);
  }
  return dim;
}

export function relabelIdentical(
  frames: Float32Array,
  nFrames: number,
  reference: Float64Array,
  identical: number[],
  spatialDims = 2,
): Float32Array {
  const dim = checkedDim(frames, nFrames, reference);
  const m = identical.length;
  const out = Float32Array.from(frames);
  const flat = new Float64Array(m * m);
  const cost = Array.from({ length: m }, (_, i) => flat.subarray(i * m, (i + 1) * m));
  for (let f = 0; f < nFrames; f++) {
    const o = f * dim;
    assignmentCosts(frames, o, reference, identical, spatialDims, flat);
    const { columnAssignments } = linearSumAssignment(cost, { maximaze: false });
    for (let j = 0; j < m; j++) {
      const src = identical[columnAssignments[j]] * spatialDims;
      const dst = identical[j] * spatialDims;
      for (let s = 0; s < spatialDims; s++) out[o + dst + s] = frames[o + src + s];
    }
  }
  return out;
}

/**
 * Whether each frame is already in the canonical order relabelIdentical would give it: the identity
 * is a minimal-cost assignment of its identical particles to the reference slots. That holds iff no
 * cycle of reassignments i₁→slot i₂→…→slot i₁ lowers the total distance, i.e. the graph with edge
 * costs |x_i − r_j| − |x_i − r_i| has no negative cycle (Bellman–Ford from a virtual source).
 * Hand-written because solving the assignment (relabelIdentical) is ~25× slower, and annealing
 * asks this of every proposal.
 */
export function isCanonical(
  frames: Float32Array,
  nFrames: number,
  reference: Float64Array,
  identical: number[],
  spatialDims = 2,
): Uint8Array {
  const dim = checkedDim(frames, nFrames, reference);
  const m = identical.length;
  const out = new Uint8Array(nFrames);
  const w = new Float64Array(m * m);
  const dist = new Float64Array(m);
  // Below this a cycle's gain is rounding, not a better assignment (float32 coordinates).
  const eps = 1e-9;
  for (let f = 0; f < nFrames; f++) {
    assignmentCosts(frames, f * dim, reference, identical, spatialDims, w);
    for (let i = 0; i < m; i++) {
      const own = w[i * m + i];
      for (let j = 0; j < m; j++) w[i * m + j] -= own;
    }
    dist.fill(0);
    let changed = true;
    for (let pass = 0; pass < m && changed; pass++) {
      changed = false;
      // Edge i → j: particle i takes slot j, whose particle j must move on.
      for (let i = 0; i < m; i++) {
        const di = dist[i];
        for (let j = 0; j < m; j++) {
          const v = di + w[i * m + j];
          if (v < dist[j] - eps) {
            dist[j] = v;
            changed = true;
          }
        }
      }
    }
    // Still relaxing after m passes: a negative cycle, a better assignment than the identity.
    out[f] = changed ? 0 : 1;
  }
  return out;
}
