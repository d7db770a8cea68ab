/**
 * Store overhead on training: iterations/s of the same run with the project store persisting
 * metrics and checkpoints (as the back end does, here on the training thread: the worst case) vs
 * with nothing persisted. Runs alternate A/B to share the machine's noise; the ratio of medians
 * is the result (target ≥ 0.95). On a busy machine that ratio is noisy, so the time spent inside
 * the store calls is also measured directly: 1 / (1 + store time / training time) is the ratio the
 * store alone can cause.
 *
 *   node --import tsx bench/store/overhead.ts [--reps 2] [--iterations 100]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { executeRun } from '../../src/core/run/execute.js';
import { metropolis } from '../../src/core/sampling/metropolis.js';
import { createSystem } from '../../src/core/systems/catalog.js';
import { Rng } from '../../src/core/random.js';
import { RunPersister } from '../../src/main/services/runPersister.js';
import { Store } from '../../src/main/store/store.js';
import { RunSpec, type MetricsRow } from '../../src/shared/runspec.js';

const { values } = parseArgs({
  options: { reps: { type: 'string', default: '2' }, iterations: { type: 'string', default: '100' } },
});
const reps = Number(values.reps);
const iterations = Number(values.iterations);

const system = createSystem({ id: 'double-well' });
const data = metropolis(
  system,
  {
    starts: system.initialConfigurations(),
    samplesPerStart: 2000,
    stride: 10,
    stepSize: 0.3,
    burnIn: 0,
    temperature: 1,
  },
  new Rng(1),
);

const spec = RunSpec.parse({
  name: 'store overhead bench',
  seed: 1,
  system: { id: 'double-well' },
  data: { source: 'dataset', datasetId: 'bench' },
  flow: { blocks: ['R', 'R', 'R', 'R', 'R', 'R', 'R', 'R'], hidden: [64, 64] },
  training: {
    batchSize: 256,
    learningRate: 1e-3,
    checkpointEvery: 10,
    stages: [
      { iterations: Math.floor(iterations / 2), weights: { ml: 1 } },
      {
        iterations: iterations - Math.floor(iterations / 2),
        weights: { ml: 1, kl: 0.1 },
        highEnergy: 100,
        maxEnergy: 1e6,
      },
    ],
  },
  sampling: { temperatures: [1], n: 100 },
  analysis: { bins: 20, bootstrap: 0 },
});

/** Iterations per second from the metrics' own clock (setup and sampling excluded). */
function rate(rows: MetricsRow[]): number {
  const first = rows[0];
  const last = rows[rows.length - 1];
  return (last.iteration - first.iteration) / (last.time - first.time);
}

async function withoutStore(): Promise<number> {
  const rows: MetricsRow[] = [];
  await executeRun(spec, { data, onMetrics: (r) => void rows.push(...r) });
  return rate(rows);
}

const dir = mkdtempSync(join(tmpdir(), 'bgw-bench-'));
let checkpointBytes = 0;
let k = 0;
const storeSeconds: number[] = [];
const trainSeconds: number[] = [];
function timed<T extends unknown[]>(acc: { s: number }, f: (...a: T) => void): (...a: T) => void {
  return (...args) => {
    const t = performance.now();
    f(...args);
    acc.s += (performance.now() - t) / 1000;
  };
}
async function withStore(): Promise<number> {
  const store = Store.create(join(dir, `bench${k++}.bgw`), 'bench');
  const run = store.runs.create(spec);
  store.runs.markRunning(run.id, null);
  const sink = { emit: () => {} };
  const persister = new RunPersister(store, sink, run.id, { metrics: true, checkpoints: true });
  const acc = { s: 0 };
  // Metrics are flushed on a timer too; time those flushes as well.
  const flush = persister.flush.bind(persister);
  persister.flush = timed(acc, flush);
  await executeRun(spec, {
    data,
    onMetrics: timed(acc, (rows: MetricsRow[]) => persister.onEvent({ type: 'metrics', rows })),
    onCheckpoint: timed(acc, (c: { iteration: number; bytes: Uint8Array }) => {
      checkpointBytes = c.bytes.byteLength;
      persister.onEvent({ type: 'checkpoint', checkpoint: c });
    }),
    onSamples: (s) => persister.onEvent({ type: 'samples', samples: s }),
  });
  persister.commit({ analyses: false });
  const rows = store.runs.metrics(run.id);
  if (rows.length !== iterations)
    throw new Error(`stored ${rows.length} metrics rows, expected ${iterations}`);
  store.close();
  storeSeconds.push(acc.s);
  trainSeconds.push(rows[rows.length - 1].time - rows[0].time);
  return rate(rows);
}

const median = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const a: number[] = [];
const b: number[] = [];
await withoutStore(); // warm-up: backend start, kernels compiled
for (let r = 0; r < reps; r++) {
  a.push(await withoutStore());
  b.push(await withStore());
}
const result = {
  bench: 'store-overhead',
  date: new Date().toISOString(),
  iterations,
  checkpointEvery: spec.training.checkpointEvery,
  checkpointBytes,
  itersPerSecondWithout: a,
  itersPerSecondWith: b,
  ratio: median(b) / median(a),
  storeSeconds,
  trainSeconds,
  ratioFromStoreTime: median(trainSeconds.map((t, i) => t / (t + storeSeconds[i]))),
};
rmSync(dir, { recursive: true, force: true });
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/store-overhead.json', `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
