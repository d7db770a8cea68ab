/**
 * A candidate speed-up for src/core/systems/dimer.ts, measured against the real one: the pair
 * loop of energyAndForces with one reciprocal 1/r² per pair instead of two divisions (rm²/r² and
 * 12ε(r_m/r)¹²/r²). Same results to rounding; alternately timed on the same 100 000
 * configurations. Only the repulsion loop differs from dimer.ts (copied here to measure it).
 *
 *   node --import tsx bench/vstorch/dimerIdea.ts [--n 100000] [--reps 7]
 */
import { parseArgs } from 'node:util';
import { createSystem } from '../../src/core/systems/catalog.js';
import { Rng } from '../../src/core/random.js';
import { summarize } from './stats.js';

const { values } = parseArgs({
  options: { n: { type: 'string', default: '100000' }, reps: { type: 'string', default: '7' } },
});
const n = Number(values.n);
const reps = Number(values.reps);
const system = createSystem({ id: 'dimer', preset: 'fig3' });
const P = 38;
const dim = 76;

/** dimer.ts compute() with forces, the repulsion loop using one reciprocal per pair. */
function energyAndForcesOneReciprocal(
  x: Float32Array,
  n: number,
): { energy: Float64Array; forces: Float64Array } {
  const { eps, rm, slope, a, b, dmid, kd, L, kbox } = system.params as Record<string, number>;
  const rm2 = rm! * rm!;
  const eps12 = 12 * eps!;
  const u = new Float64Array(n);
  const forces = new Float64Array(n * dim);
  const px = new Float64Array(P);
  const py = new Float64Array(P);
  const fx = new Float64Array(P);
  const fy = new Float64Array(P);
  for (let i = 0; i < n; i++) {
    const o = i * dim;
    for (let p = 0; p < P; p++) {
      px[p] = x[o + 2 * p]!;
      py[p] = x[o + 2 * p + 1]!;
    }
    const x0 = px[0]!;
    const y0 = py[0]!;
    const x1 = px[1]!;
    const y1 = py[1]!;
    const cx = x0 + x1;
    let e = kd! * cx * cx + kd! * y0 * y0 + kd! * y1 * y1;
    const dx = x0 - x1;
    const dy = y0 - y1;
    const d = Math.sqrt(dx * dx + dy * dy);
    const d0 = 2 * (d - dmid!);
    const d02 = d0 * d0;
    e += slope! * d0 - a! * d02 + b! * d02 * d02;
    fx.fill(0);
    fy.fill(0);
    fx[0] -= 2 * kd! * cx;
    fx[1] -= 2 * kd! * cx;
    fy[0] -= 2 * kd! * y0;
    fy[1] -= 2 * kd! * y1;
    const g = (2 * (slope! - 2 * a! * d0 + 4 * b! * d02 * d0)) / d;
    fx[0] -= g * dx;
    fy[0] -= g * dy;
    fx[1] += g * dx;
    fy[1] += g * dy;
    for (let p = 0; p < P; p++) {
      const vx = px[p]!;
      const vy = py[p]!;
      if (vx > L!) {
        e += 2 * kbox! * (vx - L!) * (vx - L!);
        fx[p] -= 4 * kbox! * (vx - L!);
      } else if (vx < -L!) {
        e += 2 * kbox! * (vx + L!) * (vx + L!);
        fx[p] -= 4 * kbox! * (vx + L!);
      }
      if (vy > L!) {
        e += 2 * kbox! * (vy - L!) * (vy - L!);
        fy[p] -= 4 * kbox! * (vy - L!);
      } else if (vy < -L!) {
        e += 2 * kbox! * (vy + L!) * (vy + L!);
        fy[p] -= 4 * kbox! * (vy + L!);
      }
    }
    let rep = 0;
    for (let p = 0; p < P; p++) {
      const qx = px[p]!;
      const qy = py[p]!;
      let ax = 0;
      let ay = 0;
      for (let q = p === 0 ? 2 : p + 1; q < P; q++) {
        const rx = qx - px[q]!;
        const ry = qy - py[q]!;
        const inv = 1 / (rx * rx + ry * ry); // the change: one division per pair, not two
        const s2 = rm2 * inv;
        const s6 = s2 * s2 * s2;
        const pe = s6 * s6;
        rep += pe;
        const f = eps12 * pe * inv;
        ax += f * rx;
        ay += f * ry;
        fx[q] -= f * rx;
        fy[q] -= f * ry;
      }
      fx[p] += ax;
      fy[p] += ay;
    }
    u[i] = e + eps! * rep;
    for (let p = 0; p < P; p++) {
      forces[o + 2 * p] = fx[p]!;
      forces[o + 2 * p + 1] = fy[p]!;
    }
  }
  return { energy: u, forces };
}

const rng = new Rng(3);
const starts = system.initialConfigurations();
const x = new Float32Array(n * dim);
for (let i = 0; i < n; i++)
  for (let k = 0; k < dim; k++) x[i * dim + k] = starts[i % 2]![k]! + 0.03 * rng.normal();

const ref = system.energyAndForces(x, n);
const alt = energyAndForcesOneReciprocal(x, n);
let maxRel = 0;
for (let i = 0; i < n; i++)
  maxRel = Math.max(maxRel, Math.abs(alt.energy[i]! - ref.energy[i]!) / Math.abs(ref.energy[i]!));
for (let i = 0; i < n * dim; i++)
  maxRel = Math.max(maxRel, Math.abs(alt.forces[i]! - ref.forces[i]!) / (1 + Math.abs(ref.forces[i]!)));

const a: number[] = [];
const b: number[] = [];
for (let r = 0; r < reps; r++) {
  let t = performance.now();
  system.energyAndForces(x, n);
  a.push(performance.now() - t);
  t = performance.now();
  energyAndForcesOneReciprocal(x, n);
  b.push(performance.now() - t);
}
const current = summarize(a);
const proposed = summarize(b);
process.stdout.write(
  `${JSON.stringify({ n, maxRelDiff: maxRel, currentMs: current, proposedMs: proposed, speedup: Math.round((current.median / proposed.median) * 100) / 100 })}\n`,
);
