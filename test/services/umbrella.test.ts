import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { referenceDeltaF, referenceProfile } from '../../src/core/analysis/quadrature.js';
import { createSystem } from '../../src/core/systems/catalog.js';
import { createBackend, type WorkbenchBackend } from '../../src/main/services/backend.js';
import { RecordingSink, tempDir } from './helpers.js';

/** Double well at τ = 1: 25 windows on [−2.6, 2.6], k = 40, 4 chains × 8000 steps (~2 s). */
const fast = {
  systemId: 'double-well',
  params: {},
  passes: 'forward-backward' as const,
  temperature: 1,
  windows: 25,
  range: [-2.6, 2.6] as [number, number],
  forceConstant: 40,
  steps: 8000,
  stepSize: 0.15,
  moves: 'all' as const,
  stride: 5,
  chainsPerWindow: 4,
  bins: 26,
  bootstrap: 10,
  seed: 1,
};

let backend: WorkbenchBackend | null = null;
afterEach(async () => {
  await backend?.dispose();
  backend = null;
});

async function open(
  mode: 'worker' | 'inline',
): Promise<{ b: WorkbenchBackend; sink: RecordingSink; dir: string }> {
  const sink = new RecordingSink();
  const b = createBackend({ sink, jobMode: mode });
  backend = b;
  const dir = tempDir('bgw-umbrella-');
  await b.services['project.create']({ path: join(dir, 'p.bgw') });
  return { b, sink, dir };
}

describe('analysis.umbrella', () => {
  it('runs in a worker and matches the double-well quadrature; stored, listed and exported', async () => {
    const { b, sink, dir } = await open('worker');
    const { jobId } = await b.services['analysis.umbrella'](fast);
    const fin = await sink.finished(jobId);
    expect(fin).toMatchObject({ kind: 'umbrella', status: 'completed', error: null });
    expect(sink.invalid).toEqual([]);
    expect(sink.of('job.progress').some((p) => p.jobId === jobId && p.kind === 'umbrella')).toBe(true);

    const r = await b.services['analysis.umbrellaGet']({ analysisId: fin.resultId! });
    expect(r.systemId).toBe('double-well');
    expect(r.windows).toHaveLength(50);
    expect(r.windows.filter((w) => w.pass === 'backward')).toHaveLength(25);
    expect(r.totalSteps).toBe(50 * 8000 * 4);
    for (const w of r.windows) expect(w.acceptance).toBeGreaterThan(0.1);

    const dw = createSystem({ id: 'double-well' });
    const ref = referenceProfile(dw, { temperature: 1, bins: 26, range: [-2.6, 2.6] });
    // Compare shapes on [−2.5, 2.5] after aligning the minima (both are shifted to min F = 0).
    const inner = r.profile.filter((p) => Math.abs(p.rc) < 2.5);
    expect(inner.length).toBe(24);
    for (const p of inner) {
      const q = ref.find((x) => Math.abs(x.rc - p.rc) < 1e-9)!;
      expect(Math.abs(p.F - q.F)).toBeLessThan(0.3);
      expect(p.error).toBeGreaterThan(0);
    }
    const dF = referenceDeltaF(dw, 1);
    expect(r.deltaF.value).not.toBeNull();
    expect(Math.abs(r.deltaF.value! - dF)).toBeLessThan(0.2);
    expect(r.deltaF.error).toBeGreaterThan(0);
    expect(r.deltaF.error).toBeLessThan(0.2);
    expect(Math.abs(r.deltaFForward! - dF)).toBeLessThan(0.3);
    expect(Math.abs(r.deltaFBackward! - dF)).toBeLessThan(0.3);

    const history = await b.services['project.history']({});
    const entry = history.find((h) => h.id === fin.resultId);
    expect(entry).toMatchObject({ kind: 'analysis', detail: { kind: 'umbrella' } });

    // The stored analysis exports like any profile: a full uniform PLUMED grid.
    const out = join(dir, 'fes.dat');
    await b.services['export.write']({ what: 'profile', id: fin.resultId!, format: 'plumed', path: out });
    const rows = readFileSync(out, 'utf8')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'));
    expect(rows).toHaveLength(26);
    expect(readFileSync(out, 'utf8')).toContain('#! FIELDS x1 file.free');
  }, 60_000);

  it('the same seed gives the same result; a cancelled job stores nothing', async () => {
    const { b, sink } = await open('worker');
    const small = { ...fast, steps: 500, chainsPerWindow: 1, bootstrap: 2 };
    const [ja, jc] = await Promise.all([
      b.services['analysis.umbrella'](small),
      b.services['analysis.umbrella'](small),
    ]);
    const a = await sink.finished(ja.jobId);
    const c = await sink.finished(jc.jobId);
    const ra = await b.services['analysis.umbrellaGet']({ analysisId: a.resultId! });
    const rc = await b.services['analysis.umbrellaGet']({ analysisId: c.resultId! });
    expect(rc.profile).toEqual(ra.profile);
    expect(rc.deltaF).toEqual(ra.deltaF);

    const before = b.context.store!.analyses.list().length;
    const { jobId } = await b.services['analysis.umbrella']({ ...fast, windows: 400, steps: 20_000 });
    // Cancel once the worker is sampling (the abort is checked between Metropolis sweeps).
    while (!sink.of('job.progress').some((p) => p.jobId === jobId))
      await new Promise((r) => setTimeout(r, 20));
    const t0 = Date.now();
    await b.services['jobs.cancel']({ jobId });
    expect((await sink.finished(jobId)).status).toBe('cancelled');
    // The job hears the cancel between windows: well before the 5 s grace that terminates a worker.
    expect(Date.now() - t0).toBeLessThan(4000);
    expect(b.context.store!.analyses.list().length).toBe(before);
  }, 30_000);

  it('rejects unknown systems, presets and parameters, bad ranges and ids of other analyses', async () => {
    const { b } = await open('inline');
    await expect(b.services['analysis.umbrella']({ ...fast, systemId: 'nope' })).rejects.toMatchObject({
      code: 'invalid_request',
      message: expect.stringContaining('nope'),
    });
    await expect(
      b.services['analysis.umbrella']({ ...fast, systemId: 'dimer', preset: 'bogus' }),
    ).rejects.toMatchObject({ code: 'invalid_request', message: expect.stringContaining('bogus') });
    await expect(b.services['analysis.umbrella']({ ...fast, params: { nope: 1 } })).rejects.toMatchObject({
      code: 'invalid_request',
    });
    await expect(b.services['analysis.umbrella']({ ...fast, range: [1, -1] })).rejects.toMatchObject({
      code: 'invalid_request',
    });
    // Single-particle moves need a particle system.
    await expect(b.services['analysis.umbrella']({ ...fast, moves: 'particle' })).rejects.toMatchObject({
      code: 'invalid_request',
      message: expect.stringContaining('"double-well" has no per-particle energy'),
    });
    await expect(b.services['analysis.umbrellaGet']({ analysisId: 'fe-missing' })).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});
