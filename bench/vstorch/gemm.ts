/**
 * The kernel under both engines' training and sampling: one float32 matrix product at the
 * model's shapes (batch 1000, widths 38 and 200), ours (tf.matMul on the active backend) against
 * PyTorch's (OpenBLAS on Debian), alternately. GFLOP/s = 2·m·k·n / time.
 */
import { tf } from '../../src/core/backend.js';
import { summarize } from './stats.js';
import type { TorchReference } from './torch.js';

export const SHAPES: [string, number, number, number][] = [
  ['hidden forward [1000,200]x[200,200]', 1000, 200, 200],
  ['weight gradient [200,1000]x[1000,200]', 200, 1000, 200],
  ['input layer [1000,38]x[38,200]', 1000, 38, 200],
  ['output layer [1000,200]x[200,38]', 1000, 200, 38],
];

function oursMs(m: number, k: number, n: number, reps: number): number {
  const a = tf.randomNormal([m, k]) as tf.Tensor2D;
  const b = tf.randomNormal([k, n]) as tf.Tensor2D;
  const once = () => {
    const t = performance.now();
    const c = tf.matMul(a, b);
    c.dataSync();
    const ms = performance.now() - t;
    c.dispose();
    return ms;
  };
  once();
  const times = Array.from({ length: reps }, once);
  tf.dispose([a, b]);
  return summarize(times).median;
}

export interface GemmRow {
  shape: string;
  oursMs: number;
  torchMs: number;
  ratio: number;
  oursGflops: number;
  torchGflops: number;
}

export async function gemmTable(ref: TorchReference, rounds: number, reps = 20): Promise<GemmRow[]> {
  const rows: GemmRow[] = [];
  // One request at a time: the reference answers in order on one pipe.
  for (const [label, m, k, n] of SHAPES) {
    const ours: number[] = [];
    const torch: number[] = [];
    for (let r = 0; r < rounds; r++) {
      ours.push(oursMs(m, k, n, reps));
      torch.push((await ref.request<{ ms: number }>({ cmd: 'gemm', m, k, n, reps })).ms);
    }
    const flop = 2 * m * k * n;
    const o = summarize(ours).median;
    const t = summarize(torch).median;
    rows.push({
      shape: label,
      oursMs: Math.round(o * 1000) / 1000,
      torchMs: Math.round(t * 1000) / 1000,
      ratio: Math.round((o / t) * 100) / 100,
      oursGflops: Math.round(flop / o / 1e5) / 10,
      torchGflops: Math.round(flop / t / 1e5) / 10,
    });
  }
  return rows;
}
