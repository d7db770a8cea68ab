/**
 * Same model, same numbers: before timing anything, the PyTorch reference and our engine map the
 * same small batches (flow forward and inverse with log|det J|, dimer energy and forces) and must
 * agree to float32 accuracy; otherwise the bench compares different work and stops.
 */
import type { OurEngine } from './ours.js';
import type { TorchReference } from './torch.js';

interface ReferenceProbe {
  forward: { x: number[][]; logDetJ: number[] };
  inverse: { z: number[][]; logDetJ: number[] };
  energy: number[];
  forces: number[][];
}

export interface CheckResult {
  maxRelDiff: Record<string, number>;
  ok: boolean;
}

/** Largest |a − b| / (1 + |b|) over the arrays (relative for large values, absolute near zero). */
function diff(a: ArrayLike<number>, b: number[]): number {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!) / (1 + Math.abs(b[i]!)));
  return m;
}

const TOLERANCE: Record<string, number> = {
  x: 1e-4,
  zInverse: 1e-4,
  logDetJForward: 1e-4,
  logDetJInverse: 1e-4,
  energy: 1e-9,
  forces: 1e-9,
};

export async function checkSameModel(ours: OurEngine, ref: TorchReference, n = 8): Promise<CheckResult> {
  const dim = ours.system.dim;
  const z = new Float32Array(n * dim);
  for (let i = 0; i < z.length; i++) z[i] = Math.sin(1.3 * i + 0.7); // fixed, no RNG shared
  const x = ours.data.subarray(0, n * dim);
  const rows = (a: Float32Array) =>
    Array.from({ length: n }, (_, i) => Array.from(a.subarray(i * dim, (i + 1) * dim)));
  const theirs = await ref.request<ReferenceProbe>({ cmd: 'check', z: rows(z), x: rows(x) });
  const mine = ours.probe(z, x, n);
  const maxRelDiff = {
    x: diff(mine.forward.x, theirs.forward.x.flat()),
    logDetJForward: diff(mine.forward.logDetJ, theirs.forward.logDetJ),
    zInverse: diff(mine.inverse.z, theirs.inverse.z.flat()),
    logDetJInverse: diff(mine.inverse.logDetJ, theirs.inverse.logDetJ),
    energy: diff(mine.energy, theirs.energy),
    forces: diff(mine.forces, theirs.forces.flat()),
  };
  const ok = Object.entries(maxRelDiff).every(([k, v]) => v <= TOLERANCE[k]!);
  return { maxRelDiff, ok };
}
