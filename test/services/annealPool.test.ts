import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/core/backend.js';
import { CancellationError } from '../../src/core/cancel.js';
import { createFlow, type Flow } from '../../src/core/flows/flow.js';
import { Rng } from '../../src/core/random.js';
import { executeRun } from '../../src/core/run/execute.js';
import type { AnnealedFlow } from '../../src/core/run/types.js';
import { loadWeights } from '../../src/core/run/checkpoint.js';
import { annealSamples, type AnnealOptions } from '../../src/core/sampling/annealed.js';
import { sampleGenerator } from '../../src/core/sampling/generator.js';
import { createSystem } from '../../src/core/systems/catalog.js';
import { annealInWorkers, annealWorkers } from '../../src/main/workers/annealPool.js';
import { RunSpec } from '../../src/shared/runspec.js';
import { smallSpec } from './helpers.js';

const spec = RunSpec.parse(
  smallSpec({
    flow: { blocks: ['R', 'R'], hidden: [8] },
    training: {
      batchSize: 64,
      learningRate: 5e-3,
      checkpointEvery: 5,
      stages: [{ name: 'ML', iterations: 5, weights: { ml: 1 } }],
    },
    sampling: { temperatures: [1], n: 200, chunk: 200 },
  }),
);
const system = createSystem(spec.system);
let flow: Flow;
let trained: AnnealedFlow;

beforeAll(async () => {
  await initBackend();
  let weights: Uint8Array | null = null;
  await executeRun(spec, {
    onCheckpoint: (c) => {
      weights = c.bytes.slice();
    },
  });
  flow = createFlow(spec.flow, system.dim, new Rng(0));
  loadWeights(flow, weights!);
  trained = { spec, weights: weights!, canonical: false };
}, 60_000);
afterAll(() => flow?.dispose());

const options = (): AnnealOptions => ({
  levels: 20,
  moves: 2,
  proposal: 'langevin',
  // High, so that the populations resample (what must also match across threads).
  resampleBelow: 0.98,
  islands: 4,
  rng: new Rng(7),
});
const start = () => sampleGenerator(flow, system, 1, 2000, { rng: new Rng(5) });

describe('annealing populations in worker threads', () => {
  it('gives the samples of one thread, whoever runs the populations', async () => {
    const here = await annealSamples(flow, system, start(), options());
    const progress: number[] = [];
    const threads = await annealSamples(flow, system, start(), {
      ...options(),
      // minWork 0: threads even for this small job.
      runPopulations: annealInWorkers(2, 0)(trained),
      onProgress: (f) => progress.push(f),
    });
    // Too little work for threads: the pool hands the populations back to this thread.
    const small = await annealSamples(flow, system, start(), {
      ...options(),
      runPopulations: annealInWorkers(2)(trained),
    });
    for (const other of [threads, small]) {
      expect(Array.from(other.samples.logWeights)).toEqual(Array.from(here.samples.logWeights));
      expect(Array.from(other.samples.x)).toEqual(Array.from(here.samples.x));
      expect(Array.from(other.samples.islands!)).toEqual(Array.from(here.samples.islands!));
      expect(other.acceptance).toBe(here.acceptance);
      expect(other.resamplings).toBe(here.resamplings);
    }
    expect(here.resamplings).toBeGreaterThan(0);
    expect(progress.at(-1)).toBeCloseTo(1, 9);
    for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThanOrEqual(progress[i - 1]);
  }, 60_000);

  it('stops every thread when cancelled', async () => {
    const abort = new AbortController();
    const run = annealSamples(flow, system, start(), {
      ...options(),
      levels: 100_000,
      runPopulations: annealInWorkers(2, 0)(trained),
      signal: abort.signal,
      onProgress: (f) => {
        if (f > 0) abort.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(CancellationError);
  }, 60_000);

  it('names the population whose worker failed', async () => {
    // Weights of a different architecture: the worker cannot rebuild the flow.
    const wrong = { ...trained, spec: { ...spec, flow: { ...spec.flow, hidden: [9] } } };
    await expect(
      annealSamples(flow, system, start(), { ...options(), runPopulations: annealInWorkers(2, 0)(wrong) }),
    ).rejects.toThrow(/annealing population \d of 4 failed: .+/);
  }, 60_000);

  it('reads its thread count from BGW_ANNEAL_WORKERS', () => {
    expect(annealWorkers({ BGW_ANNEAL_WORKERS: '3' })).toBe(3);
    expect(annealWorkers({})).toBeGreaterThanOrEqual(1);
    expect(() => annealWorkers({ BGW_ANNEAL_WORKERS: 'two' })).toThrow(/BGW_ANNEAL_WORKERS.*"two"/);
  });
});
