/**
 * A run is data: this spec fully describes one Boltzmann-generator run (system, data, flow,
 * training stages, sampling, analysis, seed). The UI builds one, the CLI reads one from a file,
 * the store keeps one with every run. Documented for users in docs/run-spec.md.
 */
import { z } from 'zod';

export const SystemSpec = z.object({
  /** Catalogue id: "double-well", "mueller-brown" or "dimer". */
  id: z.string().min(1),
  /** Named parameter preset of that system, e.g. "fig3" or "table" for the dimer. */
  preset: z.string().optional(),
  /** Overrides of individual parameters. */
  params: z.record(z.string(), z.number()).default({}),
});

export const MetropolisDataSpec = z.object({
  source: z.literal('metropolis'),
  /** Frames kept per starting configuration. */
  samplesPerStart: z.number().int().positive(),
  /**
   * Independent chains per starting configuration, sharing its frames (default 1). One long chain
   * of small all-particle moves visits few solvent arrangements, and a flow trained on it learns
   * those and nothing else; many chains spread the data over the state.
   */
  chainsPerStart: z.number().int().positive().optional(),
  /** Keep every `stride`-th MC step. */
  stride: z.number().int().positive().default(10),
  /** Gaussian proposal width in length units (scaled by √τ at temperature τ). */
  stepSize: z.number().positive(),
  burnIn: z.number().int().nonnegative().default(0),
  /** Temperature of the data (relative, τ). */
  temperature: z.number().positive().default(1),
  /** Starting configurations; defaults to the system's initial configurations. */
  starts: z.array(z.array(z.number())).optional(),
  /**
   * Relabel identical (solvent) particles of every frame against the first start (Hungarian
   * assignment, as the paper), so the flow need not learn permutation symmetry. Absent means false.
   */
  relabel: z.boolean().optional(),
});

export const DatasetDataSpec = z.object({
  source: z.literal('dataset'),
  datasetId: z.string().min(1),
});

export const DataSpec = z.discriminatedUnion('source', [MetropolisDataSpec, DatasetDataSpec]);

export const BlockType = z.enum(['R', 'N', 'S']);

export const FlowSpec = z.object({
  /** Block sequence: R = affine coupling (RealNVP), N = additive (NICE), S = scaling. */
  blocks: z.array(BlockType).min(1),
  /**
   * Affine blocks compute S and T with one network (a shared trunk with 2·d₂ outputs, split into
   * scale and shift) instead of two: half the coupling FLOPs. Absent means two networks, as the paper.
   */
  sharedTrunk: z.boolean().optional(),
  /** Hidden layer widths of each S and T network. */
  hidden: z.array(z.number().int().positive()).min(1),
  activation: z.enum(['tanh', 'relu', 'elu', 'silu']).default('tanh'),
  /**
   * A fixed linear whitening layer (PCA of the training data) between the last block and x, as in
   * the paper's code; a run without training data keeps it at the identity. Absent means false.
   */
  whiten: z.boolean().optional(),
});

export const StageSpec = z.object({
  name: z.string().optional(),
  iterations: z.number().int().nonnegative(),
  weights: z.object({
    ml: z.number().nonnegative().default(0),
    kl: z.number().nonnegative().default(0),
    rc: z.number().nonnegative().default(0),
  }),
  /** Lin-log energy cut: above this u (kT₀) energies grow logarithmically. */
  highEnergy: z.number().default(1e10),
  /** Hard cap on the regularised energy. */
  maxEnergy: z.number().default(1e10),
  learningRate: z.number().positive().optional(),
  batchSize: z.number().int().positive().optional(),
});

export const TrainingSpec = z.object({
  batchSize: z.number().int().positive(),
  learningRate: z.number().positive(),
  /** Global gradient-norm clip; absent means no clipping. */
  clipGradNorm: z.number().positive().optional(),
  /** Temperatures the KL batch is spread over (multi-temperature training). */
  temperatures: z.array(z.number().positive()).min(1).default([1]),
  /** Save a checkpoint at most this many iterations apart. */
  checkpointEvery: z.number().int().positive().default(50),
  /**
   * Held-out data: every `every` iterations (default checkpointEvery) the ML loss −log q is also
   * measured on `frames` frames per start that training never sees (Metropolis data: independent
   * chains of the same recipe from their own random stream; a dataset: its last frames, held back
   * from training). A held-out loss far above the training one means the flow learns its data,
   * not the distribution (docs/results.md, the dimer).
   */
  validation: z
    .object({ frames: z.number().int().positive(), every: z.number().int().positive().optional() })
    .optional(),
  /** Reaction-coordinate entropy loss: kernel histogram on [min, max]. */
  rc: z
    .object({
      min: z.number(),
      max: z.number(),
      bins: z.number().int().positive().default(50),
    })
    .optional(),
  stages: z.array(StageSpec).min(1),
});

export const SamplingSpec = z.object({
  temperatures: z.array(z.number().positive()).min(1),
  /** Samples drawn at each temperature. */
  n: z.number().int().positive(),
  /** Configurations pushed through the flow at once (bounds memory). */
  chunk: z.number().int().positive().default(2000),
  /**
   * Annealed importance sampling (core/sampling/annealed.ts): each sample walks from the generator's
   * density to the Boltzmann density through `levels` intermediate densities with `moves` latent-space
   * Metropolis moves at each; weights stay exact and become far more even. Costs levels × moves flow
   * passes per sample.
   */
  anneal: z
    .object({
      levels: z.number().int().positive(),
      moves: z.number().int().nonnegative().default(1),
      /** First proposal width in latent units of √τ (then steered to ~30 % acceptance). */
      stepSize: z.number().positive().default(0.1),
      /** Moves may not change a sample's state (each state anneals toward its own share of p). */
      keepStates: z.boolean().default(true),
      /** Anneal at most this many of the n samples per state (the rest only set the state split). */
      walkersPerState: z.number().int().positive().optional(),
      /**
       * 'walk': random-walk moves in latent space; 'langevin': Metropolis-adjusted Langevin moves
       * along the gradient through the flow and the forces (~1.5–3× the cost per move, further per
       * move); 'hmc': Hamiltonian Monte Carlo, `leapfrog` gradient steps per move.
       */
      proposal: z.enum(['walk', 'langevin', 'hmc']).default('walk'),
      /** Leapfrog steps per 'hmc' move. */
      leapfrog: z.number().int().positive().default(10),
      /**
       * Adaptive levels: each β step keeps the conditional ESS of the level's weights at this
       * fraction of every state's walkers; `levels` is then the most levels. Absent: fixed schedule.
       */
      cess: z.number().gt(0).lt(1).optional(),
      /**
       * With relabelled data (data.relabel): anneal toward p restricted to the canonical order of the
       * identical particles, the one copy of the N! the flow learned; ΔF is unchanged.
       */
      canonical: z.boolean().default(true),
      /**
       * Resample a population's walkers when its ESS falls below this fraction of its size (sequential
       * Monte Carlo); absent: never (annealed importance sampling).
       */
      resampleBelow: z.number().gt(0).max(1).optional(),
      /** Independent walker populations with resampleBelow; errors are bootstrapped over them. */
      islands: z.number().int().positive().default(4),
      /**
       * Start the walkers from the generator drawn at this multiple of τ (z ~ N(0, f·τ I)) and anneal
       * them to p at τ: a hotter start reaches the target's broad directions (a turned dimer, displaced
       * solvent) that the generator at τ rarely proposes. Absent: the generator's samples at τ.
       */
      startTemperatureFactor: z.number().min(1).optional(),
    })
    .optional(),
});

export const AnalysisSpec = z.object({
  bins: z.number().int().positive().default(60),
  /** Histogram range of the reaction coordinate; defaults to the system's. */
  range: z.tuple([z.number(), z.number()]).optional(),
  bootstrap: z.number().int().nonnegative().default(100),
  /**
   * How the samples are weighted for each temperature's result: "temperature" uses only the samples
   * drawn at that τ; "mixture" pools the samples of every sampled τ (one flow) and reweights them
   * to each τ with the mixture density (docs/science.md).
   */
  reweighting: z.enum(['temperature', 'mixture']).default('temperature'),
  /**
   * Temperatures to report; default: the sampled ones. With mixture reweighting any τ can be
   * reported (e.g. only the targets, while hotter sampled τ just feed the pool); otherwise each must
   * be sampled.
   */
  temperatures: z.array(z.number().positive()).min(1).optional(),
});

export const RunSpec = z
  .object({
    version: z.literal(1).default(1),
    name: z.string().optional(),
    seed: z.number().int().nonnegative().default(0),
    system: SystemSpec,
    data: DataSpec,
    flow: FlowSpec,
    training: TrainingSpec,
    sampling: SamplingSpec,
    analysis: AnalysisSpec.default({ bins: 60, bootstrap: 100, reweighting: 'temperature' }),
    /** Fine-tuning: start from another run's weights (same flow architecture). */
    initFrom: z.object({ runId: z.string().min(1), checkpointId: z.string().optional() }).optional(),
  })
  .superRefine((spec, ctx) => {
    if (spec.sampling.anneal && spec.analysis.reweighting === 'mixture') {
      ctx.addIssue({
        code: 'custom',
        path: ['sampling', 'anneal'],
        message:
          'annealed samples have no generator density to pool: use reweighting "temperature" with anneal',
      });
    }
    if (spec.analysis.reweighting !== 'temperature' || !spec.analysis.temperatures) return;
    for (const tau of spec.analysis.temperatures) {
      if (!spec.sampling.temperatures.includes(tau)) {
        ctx.addIssue({
          code: 'custom',
          path: ['analysis', 'temperatures'],
          message: `τ = ${tau} is not sampled; analyse it with reweighting "mixture" or add it to sampling.temperatures`,
        });
      }
    }
  });

export type SystemSpec = z.infer<typeof SystemSpec>;
export type DataSpec = z.infer<typeof DataSpec>;
export type FlowSpec = z.infer<typeof FlowSpec>;
export type StageSpec = z.infer<typeof StageSpec>;
export type TrainingSpec = z.infer<typeof TrainingSpec>;
export type SamplingSpec = z.infer<typeof SamplingSpec>;
export type AnalysisSpec = z.infer<typeof AnalysisSpec>;
export type RunSpec = z.infer<typeof RunSpec>;
/** What a user writes: defaults may be omitted. */
export type RunSpecInput = z.input<typeof RunSpec>;

/** The temperatures a run reports results for. */
export function analysisTemperatures(spec: RunSpec): number[] {
  return spec.analysis.temperatures ?? spec.sampling.temperatures;
}

/** Free energy along the reaction coordinate, F = −τ ln P in kT₀ (see docs/science.md). */
export interface ProfileBin {
  rc: number;
  F: number;
  error: number;
}

export interface TemperatureResult {
  temperature: number;
  n: number;
  ess: number;
  essFraction: number;
  /**
   * With sampling.anneal: the accepted fraction of the annealing moves, and the one-jump result of
   * the same generator samples before annealing (for comparison).
   */
  anneal?: { acceptance: number; oneJump: { ess: number; deltaF: { value: number; error: number } } };
  /** F(second named state) − F(first) = −τ ln(P₂/P₁), in kT₀. */
  deltaF: { value: number; error: number };
  profile: ProfileBin[];
}

/** The result JSON of `bgw run`. */
export interface RunResult {
  spec: RunSpec;
  backend: string;
  wallTimeSeconds: number;
  iterations: number;
  skippedSteps: number;
  temperatures: TemperatureResult[];
}

/** One row of per-iteration training metrics. */
export interface MetricsRow {
  iteration: number;
  stage: number;
  loss: number;
  ml: number | null;
  /** ML loss on the held-out frames (training.validation), on the iterations it was measured. */
  mlValidation?: number | null;
  kl: number | null;
  rc: number | null;
  gradNorm: number;
  essFraction: number | null;
  skipped: number;
  /** Wall-clock seconds since the run started. */
  time: number;
}
