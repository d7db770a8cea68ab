/**
 * A run's Metropolis training data, generated the one way the executor does (the spec's settings,
 * the run's data Rng stream), so tools that need the data again (reproduce tables, the learned-map
 * overlay) regenerate exactly what the run trained on instead of re-deriving the recipe.
 */
import type { RunSpec } from '../../shared/runspec.js';
import { Rng } from '../random.js';
import { metropolis, type MetropolisHooks } from '../sampling/metropolis.js';
import { relabelIdentical, solventOf } from '../sampling/relabel.js';
import type { EnergySystem } from '../systems/types.js';

/** Independent Rng stream `k` of a run seed. */
export function streamRng(seed: number, k: number): Rng {
  return new Rng((Math.imul(seed >>> 0, 0x9e3779b1) + k * 0x632be5ab) >>> 0);
}

/** The Rng streams of a run: data, initial weights, training batches, sampling, analysis. */
export const STREAM = { data: 1, init: 2, train: 3, sample: 4, analysis: 5, validation: 6 } as const;

/**
 * Frames of the spec's Metropolis data (flat, row-major). `samplesPerStart` may ask for fewer
 * frames than the spec (a preview); the chains are the same, cut earlier.
 */
export function simulateTrainingData(
  spec: RunSpec,
  system: EnergySystem,
  hooks: MetropolisHooks & { samplesPerStart?: number; stream?: number } = {},
): Float32Array {
  const d = spec.data;
  if (d.source !== 'metropolis')
    throw new Error(`Run data comes from dataset "${d.datasetId}", not Metropolis`);
  const starts = d.starts ? d.starts.map((s) => Float64Array.from(s)) : system.initialConfigurations();
  const frames = metropolis(
    system,
    {
      starts,
      samplesPerStart: hooks.samplesPerStart ?? d.samplesPerStart,
      chainsPerStart: d.chainsPerStart,
      stride: d.stride,
      stepSize: d.stepSize,
      burnIn: d.burnIn,
      temperature: d.temperature,
    },
    streamRng(spec.seed, hooks.stream ?? STREAM.data),
    hooks,
  );
  const identical = d.relabel ? solventOf(system) : [];
  if (identical.length < 2) return frames;
  // The paper's canonical order: solvent relabelled against the first start's positions.
  const spatialDims = system.layout?.spatialDims ?? 2;
  return relabelIdentical(frames, frames.length / system.dim, starts[0], identical, spatialDims);
}
