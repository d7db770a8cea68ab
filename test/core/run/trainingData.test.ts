import { describe, expect, it } from 'vitest';
import { RunSpec } from '../../../src/shared/runspec.js';
import { simulateTrainingData } from '../../../src/core/run/trainingData.js';
import { relabelIdentical, solventOf } from '../../../src/core/sampling/relabel.js';
import { createSystem } from '../../../src/core/systems/catalog.js';

const base = {
  seed: 4,
  system: { id: 'dimer', preset: 'fig3' },
  flow: { blocks: ['R'], hidden: [4] },
  training: { batchSize: 8, learningRate: 1e-3, stages: [{ iterations: 1, weights: { ml: 1 } }] },
  sampling: { temperatures: [1], n: 10 },
};
const system = createSystem({ id: 'dimer', preset: 'fig3' });
const [closed, open] = system.initialConfigurations();
// The open start lists its solvent in reverse order: relabelling must put it back on the grid order.
const reversed = Array.from(open);
for (let p = 2; p < 38; p++)
  [reversed[2 * p], reversed[2 * p + 1]] = [open[2 * (39 - p)], open[2 * (39 - p) + 1]];
const data = {
  source: 'metropolis',
  samplesPerStart: 10,
  stride: 5,
  stepSize: 0.02,
  starts: [Array.from(closed), reversed],
};

describe('simulateTrainingData', () => {
  it('relabels the dimer solvent against the first start when data.relabel is set', () => {
    const raw = simulateTrainingData(RunSpec.parse({ ...base, data }), system);
    const relabelled = simulateTrainingData(
      RunSpec.parse({ ...base, data: { ...data, relabel: true } }),
      system,
    );
    const n = raw.length / system.dim;
    expect(relabelled).toEqual(relabelIdentical(raw, n, closed, solventOf(system), 2));
    expect(relabelled.subarray(0, 10 * 76)).toEqual(raw.subarray(0, 10 * 76)); // already in grid order
    // Open frames: solvent particle p of the raw frame is particle 39 − p after relabelling.
    for (let f = 10; f < 20; f++) {
      for (let p = 2; p < 38; p++) expect(relabelled[f * 76 + 2 * p]).toBe(raw[f * 76 + 2 * (39 - p)]);
    }
    // Same configurations: the energy is permutation invariant.
    const a = system.energy(raw, n);
    const b = system.energy(relabelled, n);
    for (let i = 0; i < n; i++) expect(b[i]).toBeCloseTo(a[i], 3);
  });

  it('splits each start’s frames among independent chains when data.chainsPerStart is set', () => {
    const spec = { ...data, samplesPerStart: 40, stride: 2, burnIn: 0, starts: [Array.from(closed)] };
    const one = simulateTrainingData(RunSpec.parse({ ...base, data: spec }), system);
    const four = simulateTrainingData(
      RunSpec.parse({ ...base, data: { ...spec, chainsPerStart: 4 } }),
      system,
    );
    expect(four.length).toBe(one.length);
    // RMS displacement of frame f from the start: one chain drifts on, four chains restart at 0, 10, 20, 30.
    const drift = (frames: Float32Array, f: number): number => {
      let s2 = 0;
      for (let k = 0; k < 76; k++) s2 += (frames[f * 76 + k] - closed[k]) ** 2;
      return Math.sqrt(s2 / 76);
    };
    for (const f of [10, 20, 30]) {
      expect(drift(four, f)).toBeLessThan(drift(four, f - 1));
      expect(drift(four, f)).toBeLessThan(0.5 * drift(one, f));
    }
  });
});
