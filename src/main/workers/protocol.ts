/**
 * Messages between the main side and a job worker. The same shapes run inline (tests, CLI) and
 * across a worker_threads boundary (structured clone; typed arrays are transferred).
 */
import type { z } from 'zod';
import type { ImportOptions } from '../../shared/contract.js';
import type { MetricsRow, RunResult, RunSpec, SamplingSpec } from '../../shared/runspec.js';
import type { Checkpoint, SampleSet } from '../../core/run/types.js';
import type { AnnealJobRequest, AnnealJobResult } from './annealJob.js';
import type { UmbrellaJobRequest, UmbrellaJobResult } from './umbrellaJob.js';

export type JobRequest =
  | {
      kind: 'training';
      spec: RunSpec;
      data?: Float32Array;
      initWeights?: Uint8Array;
      resume?: Checkpoint;
    }
  | {
      kind: 'sampling';
      /** The trained run's spec; sampling settings are replaced by temperature and n. */
      spec: RunSpec;
      checkpoint: Checkpoint;
      temperature: number;
      n: number;
      /** Seed of this draw (the run's seed would repeat the run's own samples). */
      seed: number;
      /** Annealing for this draw (null: none; absent: the run's own sampling.anneal). */
      anneal?: SamplingSpec['anneal'] | null;
      data?: Float32Array;
    }
  | {
      kind: 'simulate';
      systemId: string;
      params: Record<string, number>;
      samplesPerStart: number;
      stepSize: number;
      stride: number;
      temperature: number;
      seed: number;
    }
  | {
      kind: 'import';
      fileName: string;
      /** Read from this path (desktop, CLI) … */
      path?: string;
      /** … or these bytes (browser upload). */
      bytes?: Uint8Array;
      options: z.output<typeof ImportOptions>;
    }
  | UmbrellaJobRequest
  | AnnealJobRequest;

export type JobKind = JobRequest['kind'];

/** The jobs users start; annealing jobs are started by a sampling job for its populations. */
export type UserJobRequest = Exclude<JobRequest, AnnealJobRequest>;

export type JobEvent =
  | { type: 'progress'; fraction: number; message: string }
  | { type: 'backend'; name: string }
  | { type: 'metrics'; rows: MetricsRow[] }
  | { type: 'checkpoint'; checkpoint: Checkpoint }
  | { type: 'samples'; samples: SampleSet }
  | {
      type: 'dataset';
      x: Float32Array;
      frames: number;
      dim: number;
      provenance: Record<string, unknown>;
      warnings: string[];
    }
  | { type: 'result'; result: RunResult }
  | { type: 'umbrella'; result: UmbrellaJobResult }
  | { type: 'population'; result: AnnealJobResult }
  | { type: 'error'; message: string; cancelled: boolean };

/** Main → worker. */
export type JobControl = { type: 'cancel' };

export type Emit = (event: JobEvent, transfer?: ArrayBuffer[]) => void;
