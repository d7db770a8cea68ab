/**
 * End-to-end training speed of the real back end: `runs.start` on a project, the run executing in
 * a worker thread, the main thread persisting metrics and checkpoints to the project store. The
 * dimer model and batch are the bench's; iterations/s come from the metrics rows' own clock, per
 * stage (ML, then KL), so data generation and sampling are excluded.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackend } from '../../src/main/services/backend.js';
import { RunSpec, type MetricsRow, type RunSpecInput } from '../../src/shared/runspec.js';
import { MODEL } from './ours.js';

export interface EndToEnd {
  status: string;
  error: string | null;
  iterationsPerSecond: { ml: number; kl: number };
  /** Wall seconds of the whole job (data, training, sampling, analysis, store). */
  jobSeconds: number;
  iterationsPerStage: number;
  checkpointEvery: number;
}

function rate(rows: MetricsRow[]): number {
  if (rows.length < 2) return NaN;
  return (rows.length - 1) / (rows[rows.length - 1]!.time - rows[0]!.time);
}

export async function endToEnd(o: { iterations: number; log: (s: string) => void }): Promise<EndToEnd> {
  const dir = mkdtempSync(join(tmpdir(), 'bgw-bench-e2e-'));
  const rows: MetricsRow[] = [];
  const backend = createBackend({
    sink: {
      emit(event, payload) {
        if (event === 'run.metrics') rows.push(...(payload as { rows: MetricsRow[] }).rows);
      },
    },
    jobMode: 'worker',
  });
  const checkpointEvery = 10;
  try {
    await backend.services['project.create']({ path: join(dir, 'bench.bgw'), name: 'bench' });
    const spec: RunSpecInput = {
      name: 'bench end to end',
      seed: 1,
      system: { id: 'dimer', preset: 'fig3' },
      data: { source: 'metropolis', samplesPerStart: 1000, stride: 10, stepSize: 0.02 },
      flow: { blocks: Array(MODEL.blocks).fill('R'), hidden: MODEL.hidden, activation: 'tanh' },
      training: {
        batchSize: MODEL.batch,
        learningRate: MODEL.learningRate,
        temperatures: MODEL.temperatures,
        checkpointEvery,
        stages: [
          { name: 'ML', iterations: o.iterations, weights: { ml: 1 } },
          {
            name: 'KL',
            iterations: o.iterations,
            weights: { kl: 1 },
            highEnergy: MODEL.highEnergy,
            maxEnergy: MODEL.maxEnergy,
          },
        ],
      },
      sampling: { temperatures: [1], n: 2000 },
      analysis: { bins: 40, bootstrap: 0 },
    };
    const t = performance.now();
    const { jobId } = await backend.services['runs.start']({ spec: RunSpec.parse(spec) });
    o.log(`end to end: job ${jobId} started (${o.iterations} ML + ${o.iterations} KL iterations)`);
    await backend.waitForJob(jobId);
    const jobSeconds = (performance.now() - t) / 1000;
    const runs = await backend.services['runs.list']({});
    const run = runs[0];
    return {
      status: run?.status ?? 'unknown',
      error: (run as { error?: string | null } | undefined)?.error ?? null,
      iterationsPerSecond: {
        ml: Math.round(rate(rows.filter((r) => r.stage === 0)) * 100) / 100,
        kl: Math.round(rate(rows.filter((r) => r.stage === 1)) * 100) / 100,
      },
      jobSeconds: Math.round(jobSeconds * 10) / 10,
      iterationsPerStage: o.iterations,
      checkpointEvery,
    };
  } finally {
    await backend.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}
