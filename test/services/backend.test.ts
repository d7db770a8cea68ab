/**
 * The back end end to end with the real executor in worker threads: a project, a simulated
 * dataset, a run trained from it, sampling, free energies against the quadrature oracle, exports
 * read back with the project's own readers, cancel/resume, fine-tuning, errors.
 */
import { SamplingSpec } from '../../src/shared/runspec.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referenceDeltaF } from '../../src/core/analysis/quadrature.js';
import { decodeNpy, parseCsv, parsePlumedGrid } from '../../src/core/io/writers/index.js';
import { createSystem } from '../../src/core/systems/catalog.js';
import { createBackend, type WorkbenchBackend } from '../../src/main/services/backend.js';
import { Store } from '../../src/main/store/store.js';
import { RunSpec } from '../../src/shared/runspec.js';
import { contractChecked, RecordingSink, smallSpec, tempDir } from './helpers.js';
import { SCHEMA_VERSION } from '../../src/main/store/schema.js';

const dir = tempDir();
const appData = tempDir('bgw-appdata-');
const sink = new RecordingSink();
let backend: WorkbenchBackend;
/** The backend with every call checked against the contract. */
let b: { services: WorkbenchBackend['services']; context: WorkbenchBackend['context'] };
let datasetId: string;
let runId: string;

async function finished(jobId: string) {
  const f = await sink.finished(jobId);
  if (f.status !== 'completed') throw new Error(`job ${f.kind} ${f.status}: ${f.error}`);
  return f;
}

beforeAll(async () => {
  backend = createBackend({ sink, appDataDir: appData });
  b = { services: contractChecked(backend.services), context: backend.context };
  await b.services['project.create']({ path: join(dir, 'main.bgw'), name: 'services test' });
});
afterAll(async () => {
  await backend?.dispose();
  expect(sink.invalid).toEqual([]);
});

describe('projects', () => {
  it('reports the open project and remembers it in the recent list', async () => {
    const cur = await b.services['project.current']({});
    expect(cur).toMatchObject({ name: 'services test', schemaVersion: SCHEMA_VERSION });
    const recent = await b.services['project.recent']({});
    expect(recent[0].path).toBe(join(dir, 'main.bgw'));
    expect(JSON.parse(readFileSync(join(appData, 'recent-projects.json'), 'utf8'))[0].path).toBe(
      join(dir, 'main.bgw'),
    );
  });

  it('gives clear contract errors', async () => {
    const other = createBackend({ sink: new RecordingSink() });
    const os = contractChecked(other.services);
    await expect(os['runs.list']({})).rejects.toMatchObject({
      code: 'invalid_request',
      message: /No project is open/,
    });
    await expect(os['project.open']({ path: join(dir, 'nope.bgw') })).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(os['project.open']({ path: join(dir, '..') })).rejects.toMatchObject({
      code: 'failed',
    });
    await other.dispose();
    await expect(b.services['runs.get']({ runId: 'run-missing' })).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('lists the catalogue and energy curves', async () => {
    const systems = await b.services['systems.list']({});
    expect(systems.map((s) => s.id)).toEqual(
      expect.arrayContaining(['double-well', 'mueller-brown', 'dimer']),
    );
    const curve = await b.services['systems.energyProfile']({
      systemId: 'double-well',
      params: {},
      points: 101,
    });
    // Double well: F(x1) = x1⁴ − 6x1² + x1 up to a constant; the left minimum near −1.77 is lowest.
    const min = curve.reduce((a, p) => (p.energy < a.energy ? p : a));
    expect(min.rc).toBeCloseTo(-1.75, 1);
    const at = (x: number) => curve.find((p) => Math.abs(p.rc - x) < 1e-9)!.energy;
    expect(at(1) - at(0)).toBeCloseTo(1 - 6 + 1, 3);
  });
});

describe('data, training, sampling, analysis', () => {
  it('simulates a Metropolis dataset in a worker and histograms its reaction coordinate', async () => {
    const { jobId } = await b.services['datasets.simulate']({
      systemId: 'double-well',
      params: {},
      samplesPerStart: 400,
      stepSize: 0.3,
      stride: 10,
      temperature: 1,
    });
    const f = await finished(jobId);
    expect(f.kind).toBe('simulate');
    datasetId = f.resultId!;
    const list = await b.services['datasets.list']({});
    expect(list).toEqual([
      expect.objectContaining({ id: datasetId, frames: 800, dim: 2, source: 'metropolis' }),
    ]);
    const h = await b.services['datasets.rcHistogram']({ datasetId, bins: 20 });
    expect(h.edges).toHaveLength(21);
    expect(h.counts.reduce((a, c) => a + c, 0)).toBe(800);
    expect(sink.of('job.progress').some((p) => p.jobId === jobId)).toBe(true);
  });

  it('trains a run from the dataset, streams metrics, checkpoints every N iterations, samples and analyses', async () => {
    const spec = RunSpec.parse(smallSpec({ data: { source: 'dataset', datasetId } }));
    const started = await b.services['runs.start']({ spec });
    runId = started.runId;
    const f = await finished(started.jobId);
    expect(f).toMatchObject({ kind: 'training', resultId: runId });
    const { summary } = await b.services['runs.get']({ runId });
    expect(summary).toMatchObject({
      status: 'completed',
      iterations: 60,
      totalIterations: 60,
      error: null,
    });
    // The worker thread loads the native kernels too (unless the suite runs with BGW_NATIVE=0).
    expect(summary.backend).toMatch(process.env.BGW_NATIVE === '0' ? /^wasm$/ : /^wasm \+ OpenBLAS/);
    // The back end (main thread) never loaded tfjs itself: it names the backend the run's worker used.
    expect((await b.services['app.info']({})).backend).toBe(`${summary.backend} (latest run)`);
    const metrics = await b.services['runs.metrics']({ runId, afterIteration: -1 });
    expect(metrics.map((m) => m.iteration)).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(metrics[59].loss).toBeLessThan(metrics[0].loss);
    const streamed = sink
      .of('run.metrics')
      .filter((e) => e.runId === runId)
      .flatMap((e) => e.rows.map((r) => r.iteration));
    expect(streamed).toEqual(metrics.map((m) => m.iteration));
    expect(b.context.store!.runs.checkpointIterations(runId)).toEqual([10, 20, 30, 40, 50, 60]);
    const sets = await b.services['samples.list']({ runId });
    expect(sets).toHaveLength(1);
    expect(sets[0]).toMatchObject({ temperature: 1, n: 2000 });
  });

  it('draws fresh samples at τ = 2 and reweights them to the exact ΔF', async () => {
    const { jobId } = await b.services['samples.create']({ runId, temperature: 2, n: 4000 });
    const f = await finished(jobId);
    const s = await b.services['samples.get']({ sampleSetId: f.resultId!, limit: 100 });
    expect(s).toMatchObject({ temperature: 2, n: 4000, dim: 2 });
    expect(s.x).toHaveLength(200);
    expect(s.rc[3]).toBe(s.x[6]);
    const fe = await b.services['analysis.freeEnergy']({ sampleSetId: f.resultId!, bins: 30, bootstrap: 30 });
    const exact = referenceDeltaF(createSystem({ id: 'double-well' }), 2);
    expect(fe.ess).toBeGreaterThan(100);
    expect(fe.deltaF.value).not.toBeNull();
    expect(Math.abs(fe.deltaF.value! - exact)).toBeLessThan(4 * fe.deltaF.error! + 0.3);
    expect(Math.min(...fe.profile.map((p) => p.F))).toBe(0);
    // The exact reference is stored with the analysis for the history and JSON exports.
    const stored = b.context.store!.analyses.get<{ reference: { deltaF: number; profile: unknown[] } }>(
      fe.analysisId,
    )!;
    expect(stored.result.reference.deltaF).toBeCloseTo(exact, 10);
    expect(stored.result.reference.profile.length).toBeGreaterThan(20);
  });

  it('anneals a draw on request: same count, different weights, exact ΔF still in reach', async () => {
    const anneal = {
      levels: 20,
      moves: 1,
      stepSize: 0.1,
      keepStates: true,
      proposal: 'walk' as const,
      leapfrog: 10,
      canonical: true,
      islands: 4,
    };
    const plain = await finished(
      (await b.services['samples.create']({ runId, temperature: 1, n: 2000 })).jobId,
    );
    const job = await b.services['samples.create']({ runId, temperature: 1, n: 2000, anneal });
    const f = await finished(job.jobId);
    expect(f.status).toBe('completed');
    const [a, p] = [f, plain].map((x) => b.context.store!.samples.get(x.resultId!)!);
    expect(a.n).toBe(2000);
    expect(a.ess).not.toBeCloseTo(p.ess, 3);
    const fe = await b.services['analysis.freeEnergy']({ sampleSetId: f.resultId!, bins: 30, bootstrap: 30 });
    const exact = referenceDeltaF(createSystem({ id: 'double-well' }), 1);
    expect(Math.abs(fe.deltaF.value! - exact)).toBeLessThan(4 * fe.deltaF.error! + 0.3);
    expect(a.islands).toBeNull();
  });

  it('keeps the walker populations of resampled Langevin annealing, and bootstraps errors over them', async () => {
    const anneal = {
      ...SamplingSpec.shape.anneal.unwrap().parse({ levels: 20, proposal: 'langevin', resampleBelow: 0.9 }),
      walkersPerState: 200,
      islands: 4,
    };
    const f = await finished(
      (await b.services['samples.create']({ runId, temperature: 1, n: 2000, anneal })).jobId,
    );
    expect(f.status).toBe('completed');
    const set = b.context.store!.samples.get(f.resultId!)!;
    // At most 200 walkers per state; the minority well may hold fewer of the 2 000 drawn (the draw's
    // seed depends on how many sets the run already has).
    expect(set.n).toBeGreaterThan(200);
    expect(set.n).toBeLessThanOrEqual(400);
    expect(new Set(set.islands)).toEqual(new Set([0, 1, 2, 3]));
    const fe = await b.services['analysis.freeEnergy']({ sampleSetId: f.resultId!, bins: 30, bootstrap: 30 });
    const exact = referenceDeltaF(createSystem({ id: 'double-well' }), 1);
    expect(fe.deltaF.error!).toBeGreaterThan(0);
    expect(Math.abs(fe.deltaF.value! - exact)).toBeLessThan(4 * fe.deltaF.error! + 0.3);
  });

  it('exports profiles, samples and datasets that read back with the project readers, recorded in history', async () => {
    const sets = await b.services['samples.list']({ runId });
    const setId = sets[0].id;
    const fe = await b.services['analysis.freeEnergy']({
      sampleSetId: setId,
      bins: 40,
      range: [-2.5, 2.5],
      bootstrap: 10,
    });

    const fes = await b.services['export.write']({
      what: 'profile',
      id: fe.analysisId,
      format: 'plumed',
      path: join(dir, 'fes.dat'),
    });
    const grid = parsePlumedGrid(readFileSync(fes.path, 'utf8'));
    expect(grid.fields).toEqual(['x1', 'file.free', 'der_x1']);
    expect(grid.columns.x1).toHaveLength(40);
    const kept = grid.columns.x1
      .map((rc, i) => [rc, grid.columns['file.free'][i]])
      .filter(([, F]) => Number.isFinite(F));
    expect(kept).toEqual(fe.profile.map((p) => [Number(p.rc.toFixed(9)), Number(p.F.toFixed(9))]));

    const npy = await b.services['export.write']({
      what: 'samples',
      id: setId,
      format: 'npy',
      path: join(dir, 'samples.npy'),
    });
    const arr = decodeNpy(new Uint8Array(readFileSync(npy.path)));
    const full = b.context.store!.samples.get(setId)!;
    expect(arr.shape).toEqual([2000, 2]);
    expect(Array.from(arr.data)).toEqual(Array.from(full.x));

    const csv = await b.services['export.write']({ what: 'profile', id: fe.analysisId, format: 'csv' });
    expect(csv.path).toMatch(/\.csv$/);
    expect(parseCsv(csv.content!).columns.map((c) => c.name)).toEqual(['x1', 'F', 'error']);

    for (const format of ['xyz', 'pdb'] as const) {
      const ex = await b.services['export.write']({
        what: 'dataset',
        id: datasetId,
        format,
        path: join(dir, `data.${format}`),
      });
      const { jobId } = await b.services['datasets.import']({
        path: ex.path,
        options: { systemId: 'double-well', plane: 'xy' },
      });
      const f = await finished(jobId);
      const back = b.context.store!.datasets.frames(f.resultId!)!;
      const orig = b.context.store!.datasets.frames(datasetId)!;
      expect(back.length).toBe(orig.length);
      let maxErr = 0;
      for (let i = 0; i < orig.length; i++) maxErr = Math.max(maxErr, Math.abs(back[i] - orig[i]));
      expect(maxErr).toBeLessThan(format === 'xyz' ? 1e-6 : 1e-3);
    }

    const hist = await b.services['export.write']({ what: 'histogram', id: setId, format: 'npy' });
    expect(hist.encoding).toBe('base64');
    expect(decodeNpy(new Uint8Array(Buffer.from(hist.content!, 'base64'))).shape).toEqual([60, 3]);

    // Figures: one line per run of kept bins, axes labelled with units.
    const svg = await b.services['export.write']({ what: 'profile', id: fe.analysisId, format: 'svg' });
    expect(svg.path).toMatch(/\.svg$/);
    expect(svg.content).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg.content).toContain('F (kT₀)</text>');
    expect(svg.content).toMatch(/<text[^>]*>x₁? ?[^<]*\([^)]+\)<\/text>/);
    expect(svg.content!.match(/<polyline/g)!.length).toBeGreaterThanOrEqual(1);
    const histSvg = await b.services['export.write']({ what: 'histogram', id: setId, format: 'svg' });
    expect(histSvg.content).toContain('Reweighted histogram');

    await expect(
      b.services['export.write']({ what: 'profile', id: fe.analysisId, format: 'xyz' }),
    ).rejects.toMatchObject({ code: 'invalid_request' });

    const history = await b.services['project.history']({});
    const exports = history.filter((h) => h.kind === 'export');
    expect(exports).toHaveLength(8);
    expect(exports.map((e) => e.detail.format)).toEqual([
      'plumed',
      'npy',
      'csv',
      'xyz',
      'pdb',
      'npy',
      'svg',
      'svg',
    ]);
    expect(history.map((h) => h.kind)).toEqual(
      expect.arrayContaining(['system', 'dataset', 'run', 'samples', 'analysis']),
    );
  });
});

describe('run lifecycle', () => {
  it('cancels a run, resumes it from the last checkpoint to the same end, readable from a second connection meanwhile', async () => {
    const spec = RunSpec.parse(
      smallSpec({
        data: { source: 'dataset', datasetId },
        training: {
          batchSize: 64,
          learningRate: 5e-3,
          checkpointEvery: 5,
          stages: [{ iterations: 150, weights: { ml: 1 } }],
        },
        sampling: { temperatures: [1], n: 500 },
      }),
    );
    const { runId: id, jobId } = await b.services['runs.start']({ spec });
    const reader = Store.open(join(dir, 'main.bgw'), { readonly: true });
    // Poll checkpoints from the second connection until two different counts were seen, then
    // cancel at once: early enough on a fast machine, however slow a loaded one is.
    const seen: number[] = [];
    while (new Set(seen.filter((c) => c > 0)).size < 2) {
      await new Promise((r) => setTimeout(r, 20));
      seen.push(reader.runs.checkpointIterations(id).length);
      expect(reader.runs.get(id)!.status).toBe('running');
    }
    expect(await b.services['runs.cancel']({ runId: id })).toEqual({ cancelled: true });
    const f = await sink.finished(jobId);
    expect(f.status).toBe('cancelled');
    const cancelled = reader.runs.get(id)!;
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.iterations).toBeLessThan(150);
    const last = b.context.store!.runs.checkpoint(id)!.iteration;
    expect(last % 5).toBe(0);

    const resumed = await b.services['runs.resume']({ runId: id });
    expect(resumed.runId).toBe(id);
    await finished(resumed.jobId);
    const done = reader.runs.get(id)!;
    expect(done).toMatchObject({ status: 'completed', iterations: 150 });
    const its = reader.runs.metrics(id).map((m) => m.iteration);
    expect(its).toEqual(Array.from({ length: 150 }, (_, i) => i));
    const cks = reader.runs.checkpointIterations(id);
    for (let i = 1; i < cks.length; i++) expect(cks[i] - cks[i - 1]).toBeLessThanOrEqual(5);
    reader.close();
    await expect(b.services['runs.resume']({ runId: id })).rejects.toMatchObject({ code: 'invalid_request' });
  });

  it('fine-tunes from another run’s checkpoint: starts at the parent’s loss, not from scratch', async () => {
    const base = smallSpec({
      data: { source: 'dataset', datasetId },
      training: {
        batchSize: 128,
        learningRate: 5e-3,
        checkpointEvery: 10,
        stages: [{ iterations: 10, weights: { ml: 1 } }],
      },
    });
    const fresh = await b.services['runs.start']({ spec: RunSpec.parse({ ...base, seed: 11 }) });
    await finished(fresh.jobId);
    const tuned = await b.services['runs.start']({
      spec: RunSpec.parse({ ...base, seed: 11, initFrom: { runId } }),
    });
    await finished(tuned.jobId);
    const { summary } = await b.services['runs.get']({ runId: tuned.runId });
    expect(summary.parentRunId).toBe(runId);
    const lossFresh = (await b.services['runs.metrics']({ runId: fresh.runId, afterIteration: -1 }))[0].loss;
    const lossTuned = (await b.services['runs.metrics']({ runId: tuned.runId, afterIteration: -1 }))[0].loss;
    const parentEnd = (await b.services['runs.metrics']({ runId, afterIteration: 58 }))[0].ml!;
    expect(lossTuned).toBeLessThan(lossFresh - 0.2);
    expect(Math.abs(lossTuned - parentEnd)).toBeLessThan(0.5);
    await expect(
      b.services['runs.start']({ spec: RunSpec.parse({ ...base, initFrom: { runId: 'run-nope' } }) }),
    ).rejects.toMatchObject({ code: 'not_found' });
  });
});
