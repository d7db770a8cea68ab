/**
 * A run's Metropolis training data, generated the one way the executor does (the spec's settings,
 * the run's data Rng stream), so tools that need the data again (reproduce tables, the learned-map
 * overlay) regenerate exactly what the run trained on instead of re-deriving the recipe.
 */
import type { RunSpec } from '../../shared/runspec.js';
import { Rng } from '../random.js';
import { metropolis, type MetropolisHooks } from '../sampling/metropolis.js';
import { isCanonical, relabelIdentical, solventOf } from '../sampling/relabel.js';
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
  const starts = dataStarts(spec, system);
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
  const order = canonicalOrder(spec, system);
  if (!order) return frames;
  return relabelIdentical(
    frames,
    frames.length / system.dim,
    order.reference,
    order.identical,
    order.spatialDims,
  );
}

function dataStarts(spec: RunSpec, system: EnergySystem): Float64Array[] {
  const d = spec.data;
  return d.source === 'metropolis' && d.starts
    ? d.starts.map((s) => Float64Array.from(s))
    : system.initialConfigurations();
}

/**
 * The canonical order of the run's Metropolis data when it relabels identical particles: the
 * paper's, solvent assigned to the first start's positions. Null when the data keep their labels.
 */
function canonicalOrder(
  spec: RunSpec,
  system: EnergySystem,
): { reference: Float64Array; identical: number[]; spatialDims: number } | null {
  const d = spec.data;
  const identical = d.source === 'metropolis' && d.relabel ? solventOf(system) : [];
  if (identical.length < 2) return null;
  return { reference: dataStarts(spec, system)[0], identical, spatialDims: system.layout?.spatialDims ?? 2 };
}

/**
 * Which configurations are in the canonical order the run's data were relabelled to (what
 * annealing's `inRegion` confines walkers to); null when the data were not relabelled.
 */
export function canonicalSector(
  spec: RunSpec,
  system: EnergySystem,
): ((x: Float32Array, m: number) => Uint8Array) | null {
  const order = canonicalOrder(spec, system);
  if (!order) return null;
  return (x, m) => isCanonical(x, m, order.reference, order.identical, order.spatialDims);
}
