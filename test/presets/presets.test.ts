import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RunSpec } from '../../src/shared/runspec.js';
import { createSystem, listSystems } from '../../src/core/systems/catalog.js';

const dir = new URL('../../resources/presets/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
const load = (name: string): RunSpec => RunSpec.parse(JSON.parse(readFileSync(new URL(name, dir), 'utf8')));

describe('resources/presets', () => {
  it('holds the paper presets the issue names', () => {
    for (const name of ['paper-double-well', 'paper-mueller-brown', 'paper-dimer', 'paper-dimer-full']) {
      expect(files).toContain(`${name}.json`);
    }
  });

  it.each(files)('%s is a valid RunSpec whose system, preset and parameters exist', (file) => {
    const raw: unknown = JSON.parse(readFileSync(new URL(file, dir), 'utf8'));
    const parsed = RunSpec.safeParse(raw);
    expect(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues[0])).toBe(true);
    const spec = parsed.data!;
    const ids = listSystems().map((s) => s.id);
    expect(ids).toContain(spec.system.id);
    const system = createSystem(spec.system); // throws on an unknown preset or parameter name
    if (spec.analysis.range) {
      const [lo, hi] = spec.analysis.range;
      expect(hi).toBeGreaterThan(lo);
    }
    if (spec.training.rc) expect(spec.training.rc.max).toBeGreaterThan(spec.training.rc.min);
    expect(system.dim).toBeGreaterThan(0);
    expect(spec.data.source).toBe('metropolis'); // presets must run without a project's datasets
  });

  it('paper-dimer-full is the schedule of SCIENCE.md (batch 8000, lr 1e-4, 20 ML, six stages)', () => {
    const s = load('paper-dimer-full.json');
    expect(s.system).toMatchObject({ id: 'dimer', preset: 'fig3' });
    expect(createSystem(s.system).params.slope).toBe(2);
    expect(s.training.batchSize).toBe(8000);
    expect(s.training.learningRate).toBe(1e-4);
    expect(s.training.temperatures).toEqual([0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4]);
    const [ml, ...kl] = s.training.stages;
    expect(ml).toMatchObject({ iterations: 20, weights: { ml: 1, kl: 0, rc: 0 } });
    const table = kl.map((st) => [
      st.iterations,
      st.highEnergy,
      st.weights.ml,
      st.weights.rc,
      st.weights.kl,
      st.maxEnergy,
    ]);
    expect(table).toEqual([
      [100, 1e4, 100, 1, 1, 1e10],
      [100, 1e4, 100, 1, 1, 1e10],
      [300, 1e4, 100, 5, 1, 1e10],
      [300, 1e4, 100, 10, 1, 1e10],
      [1000, 2000, 20, 10, 1, 1e10],
      [2000, 1000, 0.1, 10, 1, 1e10],
    ]);
  });

  it('paper-dimer: the paper’s whitened flow, relabelled data from many chains, annealed reweighting, KL over the sampled temperatures, ~1/8 of its energy evaluations', () => {
    const full = load('paper-dimer-full.json');
    const s = load('paper-dimer.json');
    expect(s.system).toEqual(full.system);
    expect(s.flow).toEqual(full.flow);
    for (const r of [s, full]) {
      expect(r.flow.whiten).toBe(true);
      expect(r.data).toMatchObject({ source: 'metropolis', relabel: true });
      // One chain per state: the flow learns that chain, not the state (docs/results.md).
      expect(r.data.source === 'metropolis' && r.data.chainsPerStart).toBeGreaterThanOrEqual(50);
      // Annealed reweighting with both states' walkers kept apart.
      expect(r.sampling.anneal).toMatchObject({ keepStates: true });
      // Gradient-guided moves, resampled populations, walkers kept in the canonical sector of the
      // relabelled data (docs/results.md: without it the open state's walkers leave the sector).
      expect(r.sampling.anneal).toMatchObject({ proposal: 'hmc', canonical: true });
      expect(r.sampling.anneal!.resampleBelow).toBeGreaterThan(0);
      expect(r.sampling.anneal!.islands).toBeGreaterThanOrEqual(4);
      expect(r.sampling.anneal!.walkersPerState).toBeGreaterThanOrEqual(1000);
      // Walkers start from a hotter draw: the generator at τ misses p's broad directions at τ = 2.
      expect(r.sampling.anneal!.startTemperatureFactor).toBeGreaterThan(1);
      // Held-out chains show whether the flow learns the state or its training chains.
      expect(r.training.validation?.frames).toBeGreaterThan(0);
    }
    expect(s.sampling.temperatures).toEqual([0.5, 1, 2]);
    // The KL batch covers exactly the sampled range (docs/results.md: 0.1 … 4 left τ = 1 too cold).
    expect(Math.min(...s.training.temperatures)).toBe(0.5);
    expect(Math.max(...s.training.temperatures)).toBe(2);
    for (const t of s.sampling.temperatures) expect(s.training.temperatures).toContain(t);
    const energyEvals = (r: RunSpec): number =>
      r.training.stages.reduce(
        (n, st) => n + (st.weights.kl > 0 ? st.iterations * (st.batchSize ?? r.training.batchSize) : 0),
        0,
      );
    expect(energyEvals(full)).toBe(3800 * 8000);
    expect(energyEvals(s)).toBe(3600 * 1000);
    const [ml, first] = s.training.stages;
    expect(ml.weights).toEqual({ ml: 1, kl: 0, rc: 0 });
    expect(first.weights).toEqual(full.training.stages[1].weights);
    expect(first.highEnergy).toBe(full.training.stages[1].highEnergy);
    expect(s.training.stages.at(-1)!.highEnergy).toBe(full.training.stages.at(-1)!.highEnergy);
  });
});
