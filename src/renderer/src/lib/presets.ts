/** RunSpec presets for the editor: a small fast default and the paper's training schedule. */
import type { RunSpec, RunSpecInput } from '../../../shared/runspec.js';
import type { SystemInfo } from './types.js';

export type PresetId = 'small' | 'paper' | 'tiny';

export const PRESETS: readonly { id: PresetId; label: string; description: string }[] = [
  {
    id: 'small',
    label: 'Small (minutes on a laptop)',
    description: 'ML warm-up, then ML + KL + RC; 4 RealNVP blocks, 2×32 hidden',
  },
  {
    id: 'paper',
    label: 'Paper schedule (Noé et al. 2019)',
    description: 'batch 8000, Adam 1e-4, 20 ML iterations then six ML/KL/RC stages over 9 temperatures',
  },
  { id: 'tiny', label: 'Smoke test (seconds)', description: 'a few dozen iterations to check the pipeline' },
];

/** Metropolis step per system: the paper's σ (double well 0.1, dimer 0.02). */
function stepSizeFor(systemId: string): number {
  if (systemId === 'dimer') return 0.02;
  if (systemId === 'mueller-brown') return 0.05;
  return 0.1;
}

const PAPER_TEMPERATURES = [0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4];

/**
 * A complete RunSpec for `system` with `params` overrides. The RC entropy window is the system's
 * reaction-coordinate range, so KL training cannot collapse into one state.
 */
export function presetSpec(
  preset: PresetId,
  system: Pick<SystemInfo, 'id' | 'dim' | 'reactionCoordinate'>,
  params: Record<string, number> = {},
  systemPreset?: string,
): RunSpecInput {
  const [rcMin, rcMax] = system.reactionCoordinate.range;
  const base = {
    version: 1 as const,
    seed: 0,
    system: { id: system.id, params: { ...params }, ...(systemPreset ? { preset: systemPreset } : {}) },
    analysis: { bins: 60, bootstrap: 100 },
  };
  if (preset === 'paper') {
    const stages: [number, number, number, number][] = [
      [100, 1e4, 100, 1],
      [100, 1e4, 100, 1],
      [300, 1e4, 100, 5],
      [300, 1e4, 100, 10],
      [1000, 2000, 20, 10],
      [2000, 1000, 0.1, 10],
    ];
    return {
      ...base,
      name: `${system.id} — paper schedule`,
      data: {
        source: 'metropolis',
        samplesPerStart: 10000,
        stride: 10,
        stepSize: stepSizeFor(system.id),
        temperature: 1,
        // The paper relabels identical solvent particles and whitens the coordinates. Many short
        // chains per state: a flow trained on one chain learns that chain (docs/results.md).
        ...(system.id === 'dimer'
          ? { relabel: true, samplesPerStart: 60000, chainsPerStart: 200, stride: 100, burnIn: 20000 }
          : {}),
      },
      flow: { blocks: Array(8).fill('R'), hidden: [200, 200, 200], activation: 'tanh', whiten: true },
      training: {
        batchSize: 8000,
        learningRate: 1e-4,
        temperatures: system.id === 'dimer' ? PAPER_TEMPERATURES : [1],
        checkpointEvery: 50,
        validation: { frames: 2000 },
        rc: { min: rcMin, max: rcMax, bins: 50 },
        stages: [
          { name: 'ML', iterations: 20, weights: { ml: 1, kl: 0, rc: 0 } },
          ...stages.map(([iterations, highEnergy, ml, rc], i) => ({
            name: `KL ${i + 1}`,
            iterations,
            weights: { ml, kl: 1, rc },
            highEnergy,
            maxEnergy: 1e10,
          })),
        ],
      },
      sampling: {
        temperatures: system.id === 'dimer' ? [0.5, 1, 2] : [1],
        n: 100000,
        chunk: 2000,
        // One-jump weights are too uneven in the dimer's 76 dimensions (docs/results.md).
        ...(system.id === 'dimer'
          ? {
              anneal: {
                levels: 3000,
                cess: 0.995,
                moves: 4,
                walkersPerState: 1000,
                proposal: 'hmc' as const,
                leapfrog: 10,
                resampleBelow: 0.5,
                islands: 4,
                startTemperatureFactor: 1.5,
              },
            }
          : {}),
      },
    };
  }
  const tiny = preset === 'tiny';
  return {
    ...base,
    name: `${system.id} — ${tiny ? 'smoke test' : 'small'}`,
    data: {
      source: 'metropolis',
      samplesPerStart: tiny ? 500 : 2000,
      stride: 10,
      stepSize: stepSizeFor(system.id),
      temperature: 1,
    },
    flow: { blocks: Array(tiny ? 4 : 6).fill('R'), hidden: tiny ? [32, 32] : [64, 64], activation: 'tanh' },
    training: {
      batchSize: tiny ? 128 : 256,
      learningRate: 1e-3,
      temperatures: [1],
      checkpointEvery: tiny ? 20 : 50,
      rc: { min: rcMin, max: rcMax, bins: 50 },
      stages: [
        { name: 'ML', iterations: tiny ? 30 : 200, weights: { ml: 1, kl: 0, rc: 0 } },
        {
          name: 'ML + KL + RC',
          iterations: tiny ? 30 : 300,
          weights: { ml: 1, kl: 1, rc: 1 },
          highEnergy: 100,
          maxEnergy: 1e10,
        },
      ],
    },
    sampling: { temperatures: [1], n: tiny ? 2000 : 10000, chunk: 2000 },
  };
}

/** Total iterations of a spec: what the ETA counts towards. */
export function totalIterations(spec: RunSpecInput): number {
  return spec.training.stages.reduce((s, st) => s + st.iterations, 0);
}

type Anneal = NonNullable<RunSpec['sampling']['anneal']>;

/**
 * The annealing a sampling request asks for: none at 0 levels; otherwise the run's own annealing
 * settings (proposal, walkers, resampling) with only the levels changed. For a run that did not
 * anneal, the contract fills in the run spec's defaults.
 */
export function annealRequest(
  levels: number,
  own: Anneal | undefined,
): (Partial<Anneal> & { levels: number }) | null {
  return levels > 0 ? { ...own, levels } : null;
}
