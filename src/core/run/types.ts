/**
 * The seam between the science (core) and whoever drives a run (the CLI, the worker, tests).
 * Core never touches the store: it reports metrics and checkpoints through these hooks, and the
 * caller persists them. A checkpoint is opaque bytes to the caller.
 */
import type { MetricsRow, RunResult, RunSpec } from '../../shared/runspec.js';
import type { PopulationRunner } from '../sampling/annealed.js';

/** Everything needed to continue training exactly where it stopped. */
export interface Checkpoint {
  /** Iterations completed over all stages. */
  iteration: number;
  /** Flow weights + optimizer state + RNG state, in the versioned binary format of core/flows. */
  bytes: Uint8Array;
}

export interface ProgressEvent {
  phase: 'data' | 'training' | 'sampling' | 'analysis';
  /** 0…1 within the phase. */
  fraction: number;
  message: string;
}

/** Samples drawn at one temperature, flat row-major like EnergySystem coordinates. */
export interface SampleSet {
  temperature: number;
  n: number;
  dim: number;
  z: Float32Array;
  x: Float32Array;
  /** u(x) in kT₀. */
  energy: Float64Array;
  /** Unnormalised log importance weights, −u/τ + ‖z‖²/2τ + log|det J_zx|. */
  logWeights: Float64Array;
  /**
   * Walker population of each sample when annealing resampled them (samples of one population are
   * correlated: errors bootstrap over populations); absent or null: independent samples.
   */
  islands?: Int32Array | null;
}

export interface RunHooks {
  /** Training data when spec.data.source is "dataset" (the caller loads it from the store). */
  data?: Float32Array;
  /** Weights to start from when spec.initFrom is set (fine-tuning): a checkpoint's bytes. */
  initWeights?: Uint8Array;
  /** Continue from this checkpoint instead of starting fresh. */
  resume?: Checkpoint;
  onProgress?(event: ProgressEvent): void;
  /** Called with batches of metrics rows (the caller decides how often to write). */
  onMetrics?(rows: MetricsRow[]): void;
  /** Called at most spec.training.checkpointEvery iterations apart, and at the end of training. */
  onCheckpoint?(checkpoint: Checkpoint): void | Promise<void>;
  /** Called once per sampled temperature with the raw samples. */
  onSamples?(samples: SampleSet): void | Promise<void>;
  /** Checked between iterations; when aborted the run stops with a CancellationError. */
  signal?: AbortSignal;
  /**
   * Who anneals the sampling's walker populations, given what rebuilds the trained flow elsewhere
   * (worker threads: main/workers/annealPool); undefined or absent: this thread, one by one.
   */
  annealRunner?(flow: AnnealedFlow): PopulationRunner | undefined;
}

/** The trained flow as a population runner in another thread rebuilds it. */
export interface AnnealedFlow {
  spec: RunSpec;
  /** A checkpoint's bytes holding the flow's weights. */
  weights: Uint8Array;
  /** Confine walkers to the canonical solvent order (sampling.anneal.canonical with relabelled data). */
  canonical: boolean;
}

export type ExecuteRun = (spec: RunSpec, hooks?: RunHooks) => Promise<RunResult>;
