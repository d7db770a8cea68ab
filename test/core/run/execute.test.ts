import { describe, expect, it } from 'vitest';
import { RunSpec, type MetricsRow, type RunSpecInput } from '../../../src/shared/runspec.js';
import { referenceDeltaF } from '../../../src/core/analysis/quadrature.js';
import { checkpointIteration, storedArchitecture } from '../../../src/core/run/checkpoint.js';
import { executeRun } from '../../../src/core/run/execute.js';
import type { Checkpoint, SampleSet } from '../../../src/core/run/types.js';
import { createSystem } from '../../../src/core/systems/catalog.js';

/** CI-sized version of the paper's double-well recipe (ML, then ML + KL + RC, multi-temperature). */
const ciSpec: RunSpecInput = {
  seed: 3,
  system: { id: 'double-well' },
  data: { source: 'metropolis', samplesPerStart: 500, stride: 10, stepSize: 0.1, burnIn: 100 },
  flow: { blocks: ['R', 'R', 'R', 'R'], hidden: [32, 32], activation: 'tanh' },
  training: {
    batchSize: 256,
    learningRate: 3e-3,
    clipGradNorm: 100,
    temperatures: [0.5, 1, 2],
    checkpointEvery: 100,
    rc: { min: -3, max: 3, bins: 30 },
    stages: [
      { iterations: 80, weights: { ml: 1 } },
      { iterations: 170, weights: { ml: 1, kl: 1, rc: 1 }, highEnergy: 1000 },
      { iterations: 100, weights: { ml: 1, kl: 1, rc: 1 }, highEnergy: 1000, learningRate: 3e-4 },
    ],
  },
  sampling: { temperatures: [1], n: 50000, chunk: 10000 },
  analysis: { bins: 40, range: [-2.5, 2.5], bootstrap: 20 },
};

const tinySpec: RunSpecInput = {
  seed: 9,
  system: { id: 'double-well' },
  data: { source: 'metropolis', samplesPerStart: 100, stride: 5, stepSize: 0.1 },
  flow: { blocks: ['R', 'S', 'R'], hidden: [8], activation: 'tanh' },
  training: {
    batchSize: 32,
    learningRate: 1e-2,
    temperatures: [1, 2],
    checkpointEvery: 4,
    rc: { min: -3, max: 3, bins: 10 },
    stages: [
      { iterations: 5, weights: { ml: 1 } },
      { iterations: 7, weights: { ml: 1, kl: 1, rc: 0.5 }, highEnergy: 100 },
    ],
  },
  sampling: { temperatures: [1], n: 500, chunk: 200 },
  analysis: { bins: 10, bootstrap: 5 },
};

describe('executeRun', () => {
  it('CI-sized double-well run: ΔF at τ = 1 within 0.1 kT of quadrature, both wells populated', async () => {
    const rows: MetricsRow[] = [];
    const checkpoints: number[] = [];
    let samples: SampleSet | null = null;
    const result = await executeRun(RunSpec.parse(ciSpec), {
      onMetrics: (r) => rows.push(...r),
      onCheckpoint: (c) => void checkpoints.push(c.iteration),
      onSamples: (s) => void (samples = s),
    });
    const system = createSystem({ id: 'double-well' });
    const t = result.temperatures[0];
    const ref = referenceDeltaF(system, 1);
    expect(Math.abs(t.deltaF.value - ref)).toBeLessThan(0.1);
    expect(t.essFraction).toBeGreaterThan(0.1);
    const s = samples as unknown as SampleSet;
    let right = 0;
    for (let i = 0; i < s.n; i++) if (s.x[2 * i] > 0) right++;
    expect(right / s.n).toBeGreaterThan(0.01);
    expect(right / s.n).toBeLessThan(0.99);
    expect(rows.map((r) => r.iteration)).toEqual(Array.from({ length: 350 }, (_, i) => i));
    expect(rows.map((r) => r.stage)).toEqual([
      ...Array(80).fill(0),
      ...Array(170).fill(1),
      ...Array(100).fill(2),
    ]);
    expect(checkpoints).toEqual([100, 200, 300, 350]);
    expect(result.iterations).toBe(350);
    expect(result.backend).toMatch(/^(wasm( \+ OpenBLAS [\d.]+ \(\d+ threads?\))?|cpu|tensorflow)$/);
    expect(t.profile.length).toBeGreaterThan(20);
  });

  it('resuming from a checkpoint gives the same final weights as an uninterrupted run', async () => {
    const spec = RunSpec.parse(tinySpec);
    const full: Checkpoint[] = [];
    const uninterrupted = await executeRun(spec, { onCheckpoint: (c) => void full.push(c) });
    expect(full.map((c) => c.iteration)).toEqual([4, 8, 12]);
    const resumedCheckpoints: Checkpoint[] = [];
    const resumed = await executeRun(spec, {
      resume: full[0],
      onCheckpoint: (c) => void resumedCheckpoints.push(c),
    });
    expect(resumedCheckpoints.map((c) => c.iteration)).toEqual([8, 12]);
    expect(Buffer.from(resumedCheckpoints[1].bytes).equals(Buffer.from(full[2].bytes))).toBe(true);
    expect(resumed.temperatures).toEqual(uninterrupted.temperatures);
    expect(checkpointIteration(full[2].bytes)).toBe(12);
    expect(storedArchitecture(full[2].bytes).blocks).toEqual(['R', 'S', 'R']);
  });

  it('a whitened flow fits its whitening to the data, stores it, and resumes bit for bit', async () => {
    const spec = RunSpec.parse({ ...tinySpec, flow: { ...tinySpec.flow, whiten: true } });
    const full: Checkpoint[] = [];
    const uninterrupted = await executeRun(spec, { onCheckpoint: (c) => void full.push(c) });
    const resumed: Checkpoint[] = [];
    const again = await executeRun(spec, { resume: full[0], onCheckpoint: (c) => void resumed.push(c) });
    expect(Buffer.from(resumed[1].bytes).equals(Buffer.from(full[2].bytes))).toBe(true);
    expect(again.temperatures).toEqual(uninterrupted.temperatures);
    expect(storedArchitecture(full[2].bytes).whiten).toBe(true);
    const plain = await executeRun(RunSpec.parse(tinySpec));
    expect(plain.temperatures[0].deltaF).not.toEqual(uninterrupted.temperatures[0].deltaF);
  });

  it('fine-tunes from given weights, and rejects weights of another architecture', async () => {
    const spec = RunSpec.parse(tinySpec);
    let last: Checkpoint | null = null;
    await executeRun(spec, { onCheckpoint: (c) => void (last = c) });
    const weights = (last as unknown as Checkpoint).bytes;
    const tuned = await executeRun(
      RunSpec.parse({
        ...tinySpec,
        training: { ...tinySpec.training, stages: [{ iterations: 2, weights: { kl: 1 } }] },
      }),
      {
        initWeights: weights,
      },
    );
    expect(tuned.iterations).toBe(2);
    const other = RunSpec.parse({ ...tinySpec, flow: { ...tinySpec.flow, hidden: [16] } });
    await expect(executeRun(other, { initWeights: weights })).rejects.toThrow(/different flow architecture/);
  });

  it('mixture reweighting analyses every τ from the samples of all temperatures', async () => {
    const base = { ...tinySpec, sampling: { temperatures: [1, 2], n: 500, chunk: 200 } };
    const single = await executeRun(RunSpec.parse(base));
    const sets: SampleSet[] = [];
    const pooled = await executeRun(
      RunSpec.parse({ ...base, analysis: { ...base.analysis, reweighting: 'mixture' } }),
      {
        onSamples: (s) => void sets.push(s),
      },
    );
    expect(sets.map((s) => s.n)).toEqual([500, 500]);
    expect(single.temperatures.map((t) => t.n)).toEqual([500, 500]);
    expect(pooled.temperatures.map((t) => t.n)).toEqual([1000, 1000]);
    expect(pooled.temperatures.map((t) => t.temperature)).toEqual([1, 2]);
    for (const t of pooled.temperatures) {
      expect(t.ess).toBeGreaterThan(1);
      expect(t.ess).toBeLessThanOrEqual(1000);
      expect(t.profile.length).toBeGreaterThan(0);
    }
    expect(pooled.temperatures[0].ess).not.toBeCloseTo(single.temperatures[0].ess, 3);
    // Any τ can be reported from the pool, sampled or not; per-temperature weights need it sampled.
    const between = await executeRun(
      RunSpec.parse({ ...base, analysis: { ...base.analysis, reweighting: 'mixture', temperatures: [1.5] } }),
    );
    expect(between.temperatures.map((t) => [t.temperature, t.n])).toEqual([[1.5, 1000]]);
    expect(() => RunSpec.parse({ ...base, analysis: { ...base.analysis, temperatures: [1.5] } })).toThrow(
      /not sampled/,
    );
  });

  it('anneals the samples when asked, reports the one-jump result beside it, and refuses mixture', async () => {
    const anneal = { levels: 5, moves: 2 };
    const sets: SampleSet[] = [];
    const run = await executeRun(RunSpec.parse({ ...tinySpec, sampling: { ...tinySpec.sampling, anneal } }), {
      onSamples: (s) => void sets.push(s),
    });
    const plain = await executeRun(RunSpec.parse(tinySpec));
    const t = run.temperatures[0];
    expect(t.anneal!.acceptance).toBeGreaterThan(0);
    expect(t.anneal!.acceptance).toBeLessThan(1);
    // The one-jump numbers are those of the un-annealed run (same seed, same samples drawn).
    expect(t.anneal!.oneJump.ess).toBeCloseTo(plain.temperatures[0].ess, 6);
    expect(t.ess).not.toBeCloseTo(plain.temperatures[0].ess, 3);
    expect(plain.temperatures[0].anneal).toBeUndefined();
    // What the caller stores are the annealed configurations with their energies.
    const u = createSystem({ id: 'double-well' }).energy(sets[0].x, sets[0].n);
    expect(Array.from(sets[0].energy)).toEqual(Array.from(u));
    // A hotter start: the walkers come from a second draw at 2τ, annealed to τ; one-jump unchanged.
    const hotSets: SampleSet[] = [];
    const hot = await executeRun(
      RunSpec.parse({
        ...tinySpec,
        sampling: { ...tinySpec.sampling, anneal: { ...anneal, startTemperatureFactor: 2 } },
      }),
      { onSamples: (s) => void hotSets.push(s) },
    );
    expect(hot.temperatures[0].anneal!.oneJump.ess).toBeCloseTo(plain.temperatures[0].ess, 6);
    expect(hotSets[0].temperature).toBe(sets[0].temperature);
    expect(Array.from(hotSets[0].x.subarray(0, 8))).not.toEqual(Array.from(sets[0].x.subarray(0, 8)));
    expect(() =>
      RunSpec.parse({
        ...tinySpec,
        sampling: { ...tinySpec.sampling, anneal: { ...anneal, startTemperatureFactor: 0.5 } },
      }),
    ).toThrow();
    expect(() =>
      RunSpec.parse({
        ...tinySpec,
        sampling: { ...tinySpec.sampling, anneal },
        analysis: { ...tinySpec.analysis, reweighting: 'mixture' },
      }),
    ).toThrow(/anneal/);
  });

  it('measures the ML loss on held-out chains without changing what training sees', async () => {
    const finalBytes = async (input: RunSpecInput, rows: MetricsRow[]): Promise<Uint8Array> => {
      let last: Uint8Array | null = null;
      await executeRun(RunSpec.parse(input), {
        onMetrics: (r) => void rows.push(...r),
        onCheckpoint: (c) => void (last = c.bytes),
      });
      return last!;
    };
    const plainRows: MetricsRow[] = [];
    const rows: MetricsRow[] = [];
    const plain = await finalBytes(tinySpec, plainRows);
    const validated = await finalBytes(
      { ...tinySpec, training: { ...tinySpec.training, validation: { frames: 50, every: 3 } } },
      rows,
    );
    expect(validated).toEqual(plain);
    expect(plainRows.every((r) => r.mlValidation === undefined)).toBe(true);
    // After iterations 3, 6, 9 and the last (12): the rows of iterations 2, 5, 8 and 11.
    expect(rows.filter((r) => r.mlValidation !== undefined).map((r) => r.iteration)).toEqual([2, 5, 8, 11]);
    for (const r of rows)
      if (r.mlValidation !== undefined) expect(Number.isFinite(r.mlValidation)).toBe(true);
    // A dataset holds back its last frames, and must keep some for training.
    const data = new Float32Array(2 * 40).map((_, i) => Math.sin(i));
    const fromDataset = {
      ...tinySpec,
      data: { source: 'dataset', datasetId: 'd' },
      training: { ...tinySpec.training, validation: { frames: 40 } },
    } as RunSpecInput;
    await expect(executeRun(RunSpec.parse(fromDataset), { data })).rejects.toThrow(
      /must be below the dataset's 40/,
    );
  });

  it('stops with a CancellationError when the signal fires', async () => {
    const controller = new AbortController();
    const spec = RunSpec.parse({
      ...tinySpec,
      training: { ...tinySpec.training, stages: [{ iterations: 1000, weights: { ml: 1 } }] },
    });
    let seen = 0;
    const run = executeRun(spec, {
      signal: controller.signal,
      onMetrics: (rows) => {
        seen += rows.length;
        controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'CancellationError' });
    expect(seen).toBeLessThan(100);
  });

  it('runs the 76-dimensional dimer pipeline end to end (ML, then KL + RC from wild samples)', async () => {
    const rows: MetricsRow[] = [];
    const result = await executeRun(
      RunSpec.parse({
        seed: 2,
        system: { id: 'dimer', preset: 'fig3' },
        data: { source: 'metropolis', samplesPerStart: 20, stride: 5, stepSize: 0.02 },
        flow: { blocks: ['R', 'R'], hidden: [16], activation: 'tanh' },
        training: {
          batchSize: 32,
          learningRate: 1e-4,
          temperatures: [0.5, 1, 2],
          rc: { min: 0.5, max: 2.5, bins: 20 },
          stages: [
            { iterations: 2, weights: { ml: 1 } },
            { iterations: 3, weights: { ml: 100, kl: 1, rc: 1 }, highEnergy: 1e4 },
          ],
        },
        sampling: { temperatures: [1], n: 100, chunk: 50 },
        analysis: { bins: 20, bootstrap: 2 },
      }),
      { onMetrics: (r) => rows.push(...r) },
    );
    expect(result.iterations).toBe(5);
    expect(result.skippedSteps).toBe(0);
    expect(rows.every((r) => Number.isFinite(r.loss) && Number.isFinite(r.gradNorm))).toBe(true);
    // Untrained: particles overlap, u is astronomically high, yet the lin-log cut keeps KL finite.
    expect(rows[4].kl).toBeGreaterThan(1e4);
    expect(result.temperatures[0].n).toBe(100);
  });

  it('trains from a caller-supplied dataset and fails clearly without one', async () => {
    const spec = RunSpec.parse({ ...tinySpec, data: { source: 'dataset', datasetId: 'd1' } });
    const data = new Float32Array(400);
    for (let i = 0; i < 200; i++) data[2 * i] = i % 2 ? 1.7 : -1.8;
    const r = await executeRun(spec, { data });
    expect(r.iterations).toBe(12);
    await expect(executeRun(spec, {})).rejects.toThrow(/dataset "d1"/);
  });
});
