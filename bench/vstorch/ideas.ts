/**
 * Measured candidates for speeding up src/core's flow on the wasm backend, op by op at the bench
 * model's shapes (batch 1000): the current form against the proposed one, alternately, median of
 * many repeats. Each line says how often the op runs per ML step, so gain per op × calls ≈ gain
 * per step.
 *
 *   node --import tsx bench/vstorch/ideas.ts [--reps 30]
 */
import { parseArgs } from 'node:util';
import { initBackend, tf } from '../../src/core/backend.js';
import { summarize } from './stats.js';

const { values } = parseArgs({ options: { reps: { type: 'string', default: '30' } } });
const reps = Number(values.reps);

function ms(f: () => tf.Tensor | tf.Tensor[]): number {
  const t = performance.now();
  const out = f();
  for (const o of Array.isArray(out) ? out : [out]) o.dataSync();
  const d = performance.now() - t;
  tf.dispose(out);
  return d;
}

function compare(
  label: string,
  callsPerStep: number,
  current: () => tf.Tensor | tf.Tensor[],
  proposed: () => tf.Tensor | tf.Tensor[],
) {
  ms(current);
  ms(proposed);
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < reps; r++) {
    a.push(ms(current));
    b.push(ms(proposed));
  }
  const ca = summarize(a).median;
  const cb = summarize(b).median;
  return {
    op: label,
    currentMs: Math.round(ca * 1000) / 1000,
    proposedMs: Math.round(cb * 1000) / 1000,
    speedup: Math.round((ca / cb) * 100) / 100,
    callsPerMlStep: callsPerStep,
    savedMsPerMlStep: Math.round((ca - cb) * callsPerStep),
  };
}

await initBackend();
const n = 1000;
const x200 = tf.randomNormal([n, 200]) as tf.Tensor2D;
const w200 = tf.randomNormal([200, 200]) as tf.Tensor2D;
const b200 = tf.randomNormal([200]) as tf.Tensor1D;
const x76 = tf.randomNormal([n, 76]) as tf.Tensor2D;
// ChannelSplit's even-channel selector (76 × 38, 0/1).
const sel = new Float32Array(76 * 38);
for (let j = 0; j < 38; j++) sel[2 * j * 38 + j] = 1;
const p1 = tf.tensor2d(sel, [76, 38]);
const x38 = tf.randomNormal([n, 38]) as tf.Tensor2D;
const p1T = tf.transpose(p1);

const rows = [
  // Dense forward: 16 nets × 4 layers per flow pass (MLP.apply → dense: matMul then add).
  compare(
    'dense forward: add(matMul(x,W),b) → fused.matMul{bias}',
    64,
    () => tf.add(tf.matMul(x200, w200), b200),
    () => tf.fused.matMul({ a: x200, b: w200, bias: b200 }),
  ),
  // Split: x·P (a [1000,76]x[76,38] product) per half, twice per block: 16 per pass.
  compare(
    'channel split: matMul(x, P_even) → strided copy (reshape+slice)',
    16,
    () => tf.matMul(x76, p1),
    () => tf.reshape(tf.slice(tf.reshape(x76, [n, 38, 2]), [0, 0, 0], [n, 38, 1]), [n, 38]),
  ),
  // Merge: x1·P1ᵀ + x2·P2ᵀ per block (2 products + add): 8 per pass.
  compare(
    'channel merge: x1·P1ᵀ + x2·P2ᵀ → stack+reshape',
    8,
    () => tf.add(tf.matMul(x38, p1T), tf.matMul(x38, p1T)),
    () => tf.reshape(tf.stack([x38, x38], 2), [n, 76]),
  ),
];
for (const r of rows) process.stdout.write(`${JSON.stringify(r)}\n`);
