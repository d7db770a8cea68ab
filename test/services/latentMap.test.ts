/**
 * runs.latentMap on a tiny trained double-well run (real executor in worker threads): the forward
 * grid pulled back through F_xz is the latent grid again, the inverse grid pushed through F_zx is
 * the configuration grid again, overlays are there, non-2D systems are refused, and mapping in the
 * main thread leaves later worker jobs working.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type WorkbenchBackend } from '../../src/main/services/backend.js';
import { loadRunFlow, mapPoints } from '../../src/main/services/latentMap.js';
import type { ServiceTable } from '../../src/main/services/types.js';
import type { z } from 'zod';
import { LatentMapRequest } from '../../src/shared/contract.js';
import { RunSpec } from '../../src/shared/runspec.js';
import { contractChecked, RecordingSink, smallSpec, tempDir } from './helpers.js';

const sink = new RecordingSink();
let backend: WorkbenchBackend;
let s: ServiceTable;
let runId: string;
let sampleSetId: string;

/** Callers may omit defaulted fields, as a transport's callers may. */
const map = (req: z.input<typeof LatentMapRequest>) => s['runs.latentMap'](LatentMapRequest.parse(req));

async function finished(jobId: string): Promise<string | null> {
  const f = await sink.finished(jobId);
  if (f.status !== 'completed') throw new Error(`job ${f.kind} ${f.status}: ${f.error}`);
  return f.resultId;
}

const quick = {
  batchSize: 128,
  learningRate: 5e-3,
  checkpointEvery: 10,
  stages: [{ name: 'ML', iterations: 30, weights: { ml: 1 } }],
};

beforeAll(async () => {
  backend = createBackend({ sink });
  s = contractChecked(backend.services);
  await s['project.create']({ path: join(tempDir(), 'map.bgw'), name: 'latent map' });
  const spec = RunSpec.parse(
    smallSpec({ training: quick, sampling: { temperatures: [1], n: 500, chunk: 500 } }),
  );
  const started = await s['runs.start']({ spec });
  runId = started.runId;
  await finished(started.jobId);
  sampleSetId = (await s['samples.list']({ runId }))[0].id;
}, 120_000);
afterAll(async () => {
  await backend?.dispose();
  expect(sink.invalid).toEqual([]);
});

/** Largest |a − b| over the lines' points after mapping them back. */
async function roundTripError(
  lines: { axis: 0 | 1; value: number; points: [number, number][] }[],
  back: 'forward' | 'inverse',
  expected: (line: number, point: number) => [number, number],
): Promise<number> {
  const { flow } = await loadRunFlow(backend.context.store!, runId);
  try {
    const flat = Float32Array.from(lines.flatMap((l) => l.points.flat()));
    const y = await mapPoints(flow, flat, back);
    let worst = 0;
    let k = 0;
    lines.forEach((l, i) =>
      l.points.forEach((_, p) => {
        const [a, b] = expected(i, p);
        worst = Math.max(worst, Math.abs(y[k] - a), Math.abs(y[k + 1] - b));
        k += 2;
      }),
    );
    return worst;
  } finally {
    flow.dispose();
  }
}

describe('runs.latentMap', () => {
  it('forward: latent grid lines through F_zx; F_xz brings them back to the grid within 1e-3', async () => {
    const m = await map({
      runId,
      lines: 21,
      pointsPerLine: 101,
      extent: 3,
      direction: 'forward',
    });
    expect(m).toMatchObject({
      space: 'configuration',
      gridRange: [
        [-3, 3],
        [-3, 3],
      ],
    });
    expect(m.lines).toHaveLength(42);
    expect(m.lines.every((l) => l.points.length === 101)).toBe(true);
    expect(m.lines[0]).toMatchObject({ axis: 0, value: -3 });
    expect(m.lines[41]).toMatchObject({ axis: 1, value: 3 });
    // The map really bends space: it is not the identity.
    const moved = Math.max(
      ...m.lines.flatMap((l, i) => l.points.map((p) => Math.abs(p[l.axis] - m.lines[i].value))),
    );
    expect(moved).toBeGreaterThan(0.05);
    const at = (i: number, p: number): [number, number] => {
      const l = m.lines[i];
      const t = -3 + (6 * p) / 100;
      return l.axis === 0 ? [l.value, t] : [t, l.value];
    };
    expect(await roundTripError(m.lines, 'inverse', at)).toBeLessThan(1e-3);
    // Overlays: the run's (Metropolis) training data and the sample set, in configuration space.
    expect(m.data.length).toBeGreaterThan(100);
    expect(m.data.some(([x1]) => x1 < -1) && m.data.some(([x1]) => x1 > 1)).toBe(true);
    expect(m.samples).toHaveLength(0);
  });

  it('inverse: a configuration grid through F_xz; F_zx brings it back within 1e-3; overlays pulled into latent space', async () => {
    const range: [[number, number], [number, number]] = [
      [-2.5, 2.5],
      [-2, 2],
    ];
    const m = await map({
      runId,
      lines: 5,
      pointsPerLine: 11,
      extent: 3,
      direction: 'inverse',
      range,
      sampleSetId,
      maxPoints: 300,
    });
    expect(m).toMatchObject({ space: 'latent', gridRange: range });
    expect(m.axes[0]).toMatch(/z₁/);
    const at = (i: number, p: number): [number, number] => {
      const l = m.lines[i];
      const r = range[l.axis === 0 ? 1 : 0];
      const t = r[0] + ((r[1] - r[0]) * p) / 10;
      return l.axis === 0 ? [l.value, t] : [t, l.value];
    };
    expect(await roundTripError(m.lines, 'forward', at)).toBeLessThan(1e-3);
    expect(m.samples).toHaveLength(300);
    expect(m.data).toHaveLength(300);
    // Samples were drawn from the N(0, 1) prior: pulled back they sit near the origin.
    const r2 = m.samples.reduce((a, [x, y]) => a + x * x + y * y, 0) / m.samples.length;
    expect(r2).toBeGreaterThan(1);
    expect(r2).toBeLessThan(3);
    // Default inverse box: the forward image of the latent square.
    const auto = await map({ runId, lines: 3, pointsPerLine: 5, direction: 'inverse' });
    expect(auto.gridRange[0][0]).toBeLessThan(-1);
    expect(auto.gridRange[0][1]).toBeGreaterThan(1);
  });

  it('refuses non-2D systems and unknown runs with clear errors', async () => {
    const dimer = RunSpec.parse(
      smallSpec({
        system: { id: 'dimer' },
        data: { source: 'metropolis', samplesPerStart: 10, stride: 1, stepSize: 0.05 },
        training: { ...quick, stages: [{ iterations: 100000, weights: { ml: 1 } }] },
      }),
    );
    const started = await s['runs.start']({ spec: dimer });
    try {
      await expect(map({ runId: started.runId })).rejects.toMatchObject({
        code: 'invalid_request',
        message: /2D systems only.*dimer/,
      });
    } finally {
      await s['runs.cancel']({ runId: started.runId });
      await sink.finished(started.jobId);
    }
    await expect(map({ runId: 'run-nope' })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('leaves worker jobs working after the main thread initialised its own backend', async () => {
    const { jobId } = await s['samples.create']({ runId, temperature: 1, n: 200 });
    expect(await finished(jobId)).toBeTruthy();
  });
});
