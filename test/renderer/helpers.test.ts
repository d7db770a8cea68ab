import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RunSpec, SamplingSpec } from '../../src/shared/runspec.js';
import { colorsFor, robustRange, viridis, viridisGradient } from '../../src/renderer/src/lib/colormap.js';
import { annealRequest, presetSpec, totalIterations, PRESETS } from '../../src/renderer/src/lib/presets.js';
import { matchShortcut } from '../../src/renderer/src/lib/shortcuts.js';
import { base64ToBytes, bytesToBase64 } from '../../src/renderer/src/lib/base64.js';
import { downloadName, FORMATS_FOR } from '../../src/renderer/src/lib/exportNames.js';
import {
  boundsOf,
  configurationCount,
  particlePositions,
  visibleIndices,
} from '../../src/renderer/src/lib/samples.js';
import { summarizeDetail, timeline } from '../../src/renderer/src/lib/history.js';
import { tickLabels } from '../../src/renderer/src/lib/theme.js';
import { curveMeaning } from '../../src/renderer/src/lib/reference.js';

const doubleWell = {
  id: 'double-well',
  dim: 2,
  reactionCoordinate: {
    id: 'x1',
    label: 'x₁',
    unit: 'reduced length',
    range: [-2.5, 2.5] as [number, number],
  },
};
const dimer = {
  id: 'dimer',
  dim: 76,
  reactionCoordinate: {
    id: 'd',
    label: 'dimer distance d',
    unit: 'reduced length',
    range: [0.5, 2.5] as [number, number],
  },
};

describe('viridis', () => {
  it('runs from dark purple to yellow and clamps', () => {
    expect(viridis(0)).toEqual([0.267, 0.005, 0.329]);
    expect(viridis(1)).toEqual([0.993, 0.906, 0.144]);
    expect(viridis(-3)).toEqual(viridis(0));
    expect(viridis(NaN)).toEqual(viridis(0));
    const mid = viridis(0.5);
    expect(mid[1]).toBeGreaterThan(viridis(0)[1]);
    expect(mid[1]).toBeLessThan(viridis(1)[1]);
  });
  it('colours values over a range', () => {
    const c = colorsFor([0, 10], [0, 10]);
    expect(Array.from(c.slice(0, 3))).toEqual(viridis(0).map((v) => Math.fround(v)));
    expect(Array.from(c.slice(3))).toEqual(viridis(1).map((v) => Math.fround(v)));
    expect(viridisGradient()).toMatch(/^linear-gradient\(to right, rgb\(68 1 84\) 0%/);
  });
  it('ignores the outlier tail when choosing the colour range', () => {
    const v = Array.from({ length: 100 }, (_, i) => i);
    v.push(1e9);
    const [lo, hi] = robustRange(v, 0.02);
    expect(lo).toBe(2);
    expect(hi).toBeLessThan(100);
    expect(robustRange([5, 5])).toEqual([5, 6]);
    expect(robustRange([])).toEqual([0, 1]);
  });
});

describe('RunSpec presets', () => {
  it('every preset is a valid RunSpec for the double well and the dimer', () => {
    for (const p of PRESETS) {
      for (const sys of [doubleWell, dimer]) {
        const parsed = RunSpec.safeParse(presetSpec(p.id, sys, { slope: 2 }));
        expect(parsed.success, `${p.id}/${sys.id}: ${parsed.success ? '' : parsed.error.message}`).toBe(true);
      }
    }
  });
  it("encodes the paper's dimer schedule", () => {
    const s = RunSpec.parse(presetSpec('paper', dimer));
    expect(s.training.batchSize).toBe(8000);
    expect(s.training.learningRate).toBe(1e-4);
    expect(s.training.temperatures).toEqual([0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4]);
    expect(s.training.stages[0]).toMatchObject({ iterations: 20, weights: { ml: 1, kl: 0 } });
    expect(
      s.training.stages.slice(1).map((st) => [st.iterations, st.highEnergy, st.weights.ml, st.weights.rc]),
    ).toEqual([
      [100, 1e4, 100, 1],
      [100, 1e4, 100, 1],
      [300, 1e4, 100, 5],
      [300, 1e4, 100, 10],
      [1000, 2000, 20, 10],
      [2000, 1000, 0.1, 10],
    ]);
    expect(s.training.stages.slice(1).every((st) => st.weights.kl === 1 && st.maxEnergy === 1e10)).toBe(true);
    expect(s.flow.blocks).toHaveLength(8);
    expect(s.flow.hidden).toEqual([200, 200, 200]);
    expect(s.data).toMatchObject({
      source: 'metropolis',
      stepSize: 0.02,
      relabel: true,
      chainsPerStart: 200,
    });
    expect(s.training.validation).toEqual({ frames: 2000 });
    // The same annealing as the shipped preset.
    const shipped = RunSpec.parse(
      JSON.parse(readFileSync(new URL('../../resources/presets/paper-dimer.json', import.meta.url), 'utf8')),
    );
    expect(s.sampling.anneal).toEqual(shipped.sampling.anneal);
    expect(totalIterations(s)).toBe(20 + 3800);
  });
  it('asks for the run’s own annealing with only the levels changed, and for none at 0 levels', () => {
    const own = SamplingSpec.shape.anneal
      .unwrap()
      .parse({ levels: 1000, proposal: 'langevin', walkersPerState: 1000, resampleBelow: 0.5 });
    expect(annealRequest(200, own)).toEqual({ ...own, levels: 200 });
    expect(own.levels).toBe(1000);
    expect(annealRequest(50, undefined)).toEqual({ levels: 50 });
    expect(annealRequest(0, own)).toBeNull();
  });
  it('puts the RC entropy window on the system range and keeps parameter edits', () => {
    const s = RunSpec.parse(presetSpec('small', doubleWell, { a: 1.5 }));
    expect(s.training.rc).toMatchObject({ min: -2.5, max: 2.5 });
    expect(s.system).toMatchObject({ id: 'double-well', params: { a: 1.5 } });
    expect(s.data).toMatchObject({ stepSize: 0.1 });
  });
});

describe('shortcuts', () => {
  it('maps Ctrl and Cmd combinations to actions', () => {
    expect(matchShortcut({ key: 'o', ctrlKey: true })).toEqual({ action: 'open' });
    expect(matchShortcut({ key: 'N', metaKey: true })).toEqual({ action: 'new' });
    expect(matchShortcut({ key: 'Enter', ctrlKey: true })).toEqual({ action: 'start' });
    expect(matchShortcut({ key: 'Escape' })).toEqual({ action: 'cancel' });
    expect(matchShortcut({ key: '3', ctrlKey: true })).toEqual({ action: 'view', index: 2 });
  });
  it('leaves plain typing and other combinations alone', () => {
    expect(matchShortcut({ key: 'o' })).toBeNull();
    expect(matchShortcut({ key: 'Enter' })).toBeNull();
    expect(matchShortcut({ key: 'o', ctrlKey: true, altKey: true })).toBeNull();
    expect(matchShortcut({ key: '9', ctrlKey: true })).toBeNull();
  });
});

describe('base64', () => {
  it('round-trips binary bytes, also beyond one chunk', () => {
    const bytes = new Uint8Array(100_000).map((_, i) => (i * 31) % 256);
    const b64 = bytesToBase64(bytes);
    expect(b64).toBe(Buffer.from(bytes).toString('base64'));
    expect(base64ToBytes(b64)).toEqual(bytes);
  });
});

describe('export names', () => {
  it('names PLUMED output fes.dat and prefers the written path', () => {
    expect(downloadName('profile', 'plumed')).toBe('fes.dat');
    expect(downloadName('profile', 'csv')).toBe('profile.csv');
    expect(downloadName('samples', 'xyz', '/p/exports/samples-3.xyz')).toBe('samples-3.xyz');
    expect(FORMATS_FOR.profile).toContain('plumed');
  });
});

describe('sample layout', () => {
  // Two configurations of a 3-particle system: x = (x0, y0, x1, y1, x2, y2).
  const x = [0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15];
  it('counts configurations and extracts particle positions with owners', () => {
    expect(configurationCount(x, 6)).toBe(2);
    const p = particlePositions(x, 6, [1], 3);
    expect(Array.from(p.xy)).toEqual([10, 11, 12, 13, 14, 15]);
    expect(Array.from(p.owner)).toEqual([1, 1, 1]);
    expect(Array.from(p.particleIndex)).toEqual([0, 1, 2]);
  });
  it('treats a 2D system as one point per configuration', () => {
    const p = particlePositions([1, 2, 3, 4], 2, [0, 1], 0);
    expect(Array.from(p.xy)).toEqual([1, 2, 3, 4]);
    expect(Array.from(p.owner)).toEqual([0, 1]);
  });
  it('pads bounds and picks visible configurations', () => {
    expect(boundsOf([0, 0, 10, 20], 0.1)).toEqual({ min: [-1, -2], max: [11, 22] });
    expect(visibleIndices(5, 9, false)).toEqual([4]);
    expect(visibleIndices(5, 0, true)).toEqual([0, 1, 2, 3, 4]);
    expect(visibleIndices(5000, 0, true, 1000)).toHaveLength(1000);
    expect(visibleIndices(0, 0, true)).toEqual([]);
  });
});

describe('history timeline', () => {
  const run = {
    id: 'r1',
    name: 'dw',
    status: 'completed' as const,
    systemId: 'double-well',
    backend: 'wasm',
    createdAt: '2026-01-01T00:02:00Z',
    startedAt: '2026-01-01T00:02:00Z',
    finishedAt: '2026-01-01T00:03:00Z',
    iterations: 10,
    totalIterations: 10,
    parentRunId: null,
    error: null,
  };
  it('joins runs, adds runs missing from the history and sorts newest first', () => {
    const t = timeline(
      [
        {
          kind: 'dataset',
          id: 'd1',
          label: 'sim',
          createdAt: '2026-01-01T00:01:00Z',
          detail: { frames: 200, x: {} },
        },
        {
          kind: 'export',
          id: 'e1',
          label: 'fes',
          createdAt: '2026-01-01T00:05:00Z',
          detail: { path: '/p/fes.dat' },
        },
      ],
      [run],
    );
    expect(t.map((e) => e.id)).toEqual(['e1', 'r1', 'd1']);
    expect(t[1].run?.status).toBe('completed');
    expect(t[2].summary).toBe('frames 200');
    expect(summarizeDetail({ path: '/p/fes.dat', format: 'plumed' })).toBe('format plumed · path /p/fes.dat');
  });
});

describe('axis tick labels', () => {
  const plot = (distr: number) => ({
    axes: [{ scale: 'x' }, { scale: 'y' }],
    scales: { x: {}, y: { distr } },
  });
  it('labels every tick on linear axes, compactly', () => {
    expect(tickLabels(plot(1), [0, 2.5e10, 5e10], 1)).toEqual(['0', '2.5e+10', '5e+10']);
  });
  it('labels only decades on log axes', () => {
    expect(tickLabels(plot(3), [0.1, 0.2, 0.5, 1, 2, 10], 1)).toEqual(['0.1', '', '', '1', '', '10']);
  });
});

describe('reference curve meaning', () => {
  it('is the exact F for the double well at every τ, for other 2D systems only at τ = 1, never for the dimer', () => {
    expect(curveMeaning({ id: 'double-well', dim: 2 }).isExactF(2)).toBe(true);
    expect(curveMeaning({ id: 'mueller-brown', dim: 2 }).isExactF(1)).toBe(true);
    expect(curveMeaning({ id: 'mueller-brown', dim: 2 }).isExactF(0.5)).toBe(false);
    expect(curveMeaning({ id: 'dimer', dim: 76 }).isExactF(1)).toBe(false);
    expect(curveMeaning({ id: 'dimer', dim: 76 }).axisLabel).toBe('bond energy (kT₀)');
  });
});
