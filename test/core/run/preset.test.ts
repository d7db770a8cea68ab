import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RunSpec, analysisTemperatures } from '../../../src/shared/runspec.js';
import { createSystem } from '../../../src/core/systems/catalog.js';

const root = new URL('../../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');

describe('paper double-well preset', () => {
  const preset = JSON.parse(read('resources/presets/paper-double-well.json')) as unknown;

  it('is a valid RunSpec of the paper recipe (ML + KL + RC at τ = 0.5, 1, 2)', () => {
    const spec = RunSpec.parse(preset);
    expect(createSystem(spec.system).id).toBe('double-well');
    expect(spec.training.temperatures).toEqual(expect.arrayContaining([0.5, 1, 2]));
    expect(analysisTemperatures(spec)).toEqual([0.5, 1, 2]);
    expect(spec.sampling.temperatures).toEqual(expect.arrayContaining([0.5, 1, 2]));
    const w = spec.training.stages.map((s) => s.weights);
    expect(w.some((x) => x.ml > 0)).toBe(true);
    expect(w.some((x) => x.kl > 0)).toBe(true);
    expect(w.some((x) => x.rc > 0)).toBe(true);
    expect(spec.training.rc).toBeDefined();
  });

  it('is the example printed in docs/run-spec.md', () => {
    const doc = read('docs/run-spec.md');
    const block = /## Example[\s\S]*?```json\n([\s\S]*?)```/.exec(doc);
    expect(block).not.toBeNull();
    expect(JSON.parse(block![1])).toEqual(preset);
  });
});
