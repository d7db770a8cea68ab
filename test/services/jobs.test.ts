/**
 * Job plumbing with a fake executor, inline (fast, no TensorFlow.js): progress throttling, cancel,
 * failures, and a store that cannot save ending the job instead of training on.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExecuteRun } from '../../src/core/run/types.js';
import { relabelIdentical } from '../../src/core/sampling/relabel.js';
import { createSystem } from '../../src/core/systems/catalog.js';
import { createBackend } from '../../src/main/services/backend.js';
import { RunSpec, type MetricsRow } from '../../src/shared/runspec.js';
import { RecordingSink, smallSpec, tempDir } from './helpers.js';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

function row(i: number): MetricsRow {
  return {
    iteration: i,
    stage: 0,
    loss: 1 / (i + 1),
    ml: 1,
    kl: null,
    rc: null,
    gradNorm: 1,
    essFraction: null,
    skipped: 0,
    time: i / 1000,
  };
}

/** Trains `iterations` fake iterations, ~1 ms each, with the executor's hook contract. */
function fakeExecutor(opts: { fail?: string } = {}): ExecuteRun {
  return async (spec, hooks = {}) => {
    const total = spec.training.stages.reduce((s, st) => s + st.iterations, 0);
    for (let i = hooks.resume?.iteration ?? 0; i < total; i++) {
      if (hooks.signal?.aborted)
        throw Object.assign(new Error('Run cancelled'), { name: 'CancellationError' });
      if (opts.fail && i === 5) throw new Error(opts.fail);
      hooks.onProgress?.({ phase: 'training', fraction: i / total, message: `Iteration ${i}` });
      hooks.onMetrics?.([row(i)]);
      if ((i + 1) % spec.training.checkpointEvery === 0)
        await hooks.onCheckpoint?.({ iteration: i + 1, bytes: new Uint8Array([i + 1]) });
      const until = Date.now() + 1;
      while (Date.now() < until) await tick();
    }
    return {
      spec,
      backend: 'fake',
      wallTimeSeconds: 0,
      iterations: total,
      skippedSteps: 0,
      temperatures: [],
    };
  };
}

async function setup(executeRun: ExecuteRun) {
  const sink = new RecordingSink();
  const b = createBackend({ sink, jobMode: 'inline', executeRun });
  await b.services['project.create']({ path: join(tempDir(), 'jobs.bgw') });
  return { sink, b };
}

const spec = (iterations: number) =>
  RunSpec.parse(
    smallSpec({
      training: {
        batchSize: 8,
        learningRate: 1e-3,
        checkpointEvery: 7,
        stages: [{ iterations, weights: { ml: 1 } }],
      },
    }),
  );

describe('jobs', () => {
  it('throttles progress to about ten events a second and persists every metrics row once', async () => {
    const { sink, b } = await setup(fakeExecutor());
    const started = Date.now();
    const { runId, jobId } = await b.services['runs.start']({ spec: spec(400) });
    const f = await sink.finished(jobId);
    const seconds = (Date.now() - started) / 1000;
    expect(f).toMatchObject({ status: 'completed', kind: 'training', resultId: runId });
    const progress = sink.of('job.progress').filter((p) => p.jobId === jobId);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.length).toBeLessThanOrEqual(Math.ceil(seconds * 10) + 2);
    const metrics = await b.services['runs.metrics']({ runId, afterIteration: -1 });
    expect(metrics.map((m) => m.iteration)).toEqual(Array.from({ length: 400 }, (_, i) => i));
    // Batched: far fewer write events than rows.
    expect(sink.of('run.metrics').length).toBeLessThan(400 / 4);
    expect(b.context.store!.runs.checkpointIterations(runId)).toEqual(
      Array.from({ length: 57 }, (_, i) => 7 * (i + 1)),
    );
    expect(
      b.context.store!.db.prepare('SELECT COUNT(*) AS c FROM checkpoints WHERE bytes IS NOT NULL').get(),
    ).toEqual({ c: 3 });
    await b.dispose();
  });

  it('keeps jobs running when the open project is opened again, cancels them when another one is', async () => {
    const { sink, b } = await setup(fakeExecutor());
    const current = (await b.services['project.current']({}))!;
    const { runId, jobId } = await b.services['runs.start']({ spec: spec(100_000) });
    await b.services['project.open']({ path: current.path });
    expect(b.context.jobs.jobOfRun(runId)).toBe(jobId);
    await b.services['project.create']({ path: join(tempDir(), 'other.bgw') });
    expect((await sink.finished(jobId)).status).toBe('cancelled');
    await b.services['project.open']({ path: current.path });
    expect((await b.services['runs.get']({ runId })).summary.status).toBe('cancelled');
    await b.dispose();
  });

  it('cancels through jobs.cancel and resumes from the last checkpoint', async () => {
    const { sink, b } = await setup(fakeExecutor());
    const { runId, jobId } = await b.services['runs.start']({ spec: spec(2000) });
    while ((b.context.store!.runs.checkpoint(runId)?.iteration ?? 0) < 14)
      await new Promise((r) => setTimeout(r, 5));
    expect(await b.services['jobs.cancel']({ jobId })).toEqual({ cancelled: true });
    expect((await sink.finished(jobId)).status).toBe('cancelled');
    const run = (await b.services['runs.get']({ runId })).summary;
    expect(run.status).toBe('cancelled');
    expect(await b.services['jobs.cancel']({ jobId })).toEqual({ cancelled: false });
    const last = b.context.store!.runs.checkpoint(runId)!.iteration;
    const again = await b.services['runs.resume']({ runId });
    await b.services['runs.cancel']({ runId });
    await sink.finished(again.jobId);
    // Rows past the checkpoint were dropped and redone, none twice.
    const its = (await b.services['runs.metrics']({ runId, afterIteration: -1 })).map((m) => m.iteration);
    expect(its.slice(0, last)).toEqual(Array.from({ length: last }, (_, i) => i));
    expect(new Set(its).size).toBe(its.length);
    // The run's clock continues across the resume.
    const times = (await b.services['runs.metrics']({ runId, afterIteration: -1 })).map((m) => m.time);
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1]);
    await b.dispose();
  });

  it('reports a failing executor as a failed job and a failed run with its message', async () => {
    const { sink, b } = await setup(fakeExecutor({ fail: 'loss is NaN at iteration 5' }));
    const { runId, jobId } = await b.services['runs.start']({ spec: spec(50) });
    const f = await sink.finished(jobId);
    expect(f).toMatchObject({ status: 'failed', error: 'loss is NaN at iteration 5' });
    expect((await b.services['runs.get']({ runId })).summary).toMatchObject({
      status: 'failed',
      error: 'loss is NaN at iteration 5',
    });
    await b.dispose();
  });

  it('stops a job whose output cannot be saved', async () => {
    const { sink, b } = await setup(fakeExecutor());
    const { runId, jobId } = await b.services['runs.start']({ spec: spec(5000) });
    // Break the store under the job: a trigger rejecting checkpoints stands in for a full disk.
    b.context.store!.db.exec(
      `CREATE TRIGGER no_space BEFORE INSERT ON checkpoints BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`,
    );
    const f = await sink.finished(jobId);
    expect(f.status).toBe('failed');
    expect(f.error).toMatch(/could not save job output: database or disk is full/);
    expect((await b.services['runs.get']({ runId })).summary.status).toBe('failed');
    await b.dispose();
  });

  it('imports uploaded bytes (browser drag and drop) and reports a broken file as a failed job', async () => {
    const { sink, b } = await setup(fakeExecutor());
    const xyz = ['1', 'frame 0', 'C 0.5 -1.0 0', '1', 'frame 1', 'C -1.75 0.25 0', ''].join('\n');
    const ok = await b.services['datasets.importBytes']({
      fileName: 'two.xyz',
      base64: Buffer.from(xyz).toString('base64'),
      options: { systemId: 'double-well', plane: 'xy' },
    });
    const f = await sink.finished(ok.jobId);
    expect(f).toMatchObject({ status: 'completed', kind: 'import' });
    const d = b.context.store!.datasets.get(f.resultId!)!;
    expect(d).toMatchObject({ name: 'two.xyz', frames: 2, dim: 2, source: 'import' });
    expect(d.provenance).toMatchObject({ fileName: 'two.xyz', format: 'xyz' });
    expect(Array.from(b.context.store!.datasets.frames(d.id)!)).toEqual([0.5, -1, -1.75, 0.25]);

    const bad = await b.services['datasets.importBytes']({
      fileName: 'bad.xyz',
      base64: Buffer.from('3\nx\nC 1 2\n').toString('base64'),
      options: { systemId: 'double-well' },
    });
    const g = await sink.finished(bad.jobId);
    expect(g.status).toBe('failed');
    expect(g.error).toMatch(/bad\.xyz/);
    expect(b.context.store!.datasets.list()).toHaveLength(1);
    await b.dispose();
  });

  it('simulates dimer data with the solvent relabelled against the initial grid', async () => {
    const { sink, b } = await setup(fakeExecutor());
    const { jobId } = await b.services['datasets.simulate']({
      systemId: 'dimer',
      params: {},
      samplesPerStart: 5,
      stepSize: 0.05,
      stride: 4,
      temperature: 1,
    });
    expect((await sink.finished(jobId)).error).toBeNull();
    const f = await sink.finished(jobId);
    expect(f.status).toBe('completed');
    const d = b.context.store!.datasets.get(f.resultId!)!;
    expect(d).toMatchObject({ frames: 10, dim: 76 });
    expect(d.provenance).toMatchObject({ method: 'metropolis', relabelled: true });
    // Already optimally assigned: relabelling again changes nothing.
    const x = b.context.store!.datasets.frames(d.id)!;
    const system = createSystem({ id: 'dimer' });
    const solvent = Array.from({ length: 36 }, (_, i) => i + 2);
    expect(Array.from(relabelIdentical(x, 10, system.initialConfigurations()[0], solvent, 2))).toEqual(
      Array.from(x),
    );
    await b.dispose();
  });
});
