/**
 * The one contract between the UI and the back end. Every request, response and event is a zod
 * schema; the three transports (Electron IPC, the browser bridge, direct calls) validate with these
 * same schemas at the boundary, and services never know which transport called them.
 *
 * Adding a method: add its entry to `methods` and implement it in the back-end service table.
 */
import { z } from 'zod';
import { EXPORT_FORMATS } from './exportFormats.js';
import { RunSpec, SamplingSpec } from './runspec.js';

const Id = z.string().min(1);

export const ProjectInfo = z.object({
  path: z.string(),
  name: z.string(),
  schemaVersion: z.number().int(),
  createdAt: z.string(),
});

export const JobRef = z.object({ jobId: Id });

export const JobKind = z.enum(['import', 'simulate', 'training', 'sampling', 'umbrella']);

export const RunSummary = z.object({
  id: Id,
  name: z.string().nullable(),
  status: z.enum(['queued', 'running', 'completed', 'failed', 'cancelled', 'interrupted']),
  systemId: z.string(),
  backend: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  iterations: z.number().int(),
  totalIterations: z.number().int(),
  parentRunId: z.string().nullable(),
  error: z.string().nullable(),
});

export const DatasetSummary = z.object({
  id: Id,
  name: z.string(),
  systemId: z.string(),
  frames: z.number().int(),
  dim: z.number().int(),
  source: z.string(),
  createdAt: z.string(),
  provenance: z.record(z.string(), z.unknown()),
});

export const ProfilePoint = z.object({ rc: z.number(), F: z.number(), error: z.number() });

export const HistoryEntry = z.object({
  kind: z.enum(['system', 'dataset', 'run', 'samples', 'analysis', 'export']),
  id: Id,
  label: z.string(),
  createdAt: z.string(),
  detail: z.record(z.string(), z.unknown()),
});

export const SystemInfo = z.object({
  id: Id,
  name: z.string(),
  dim: z.number().int(),
  formula: z.string(),
  presets: z.record(z.string(), z.record(z.string(), z.number())),
  params: z.array(z.object({ name: z.string(), value: z.number(), description: z.string() })),
  reactionCoordinate: z.object({
    id: z.string(),
    label: z.string(),
    unit: z.string(),
    range: z.tuple([z.number(), z.number()]),
  }),
  states: z.array(z.object({ name: z.string(), min: z.number().optional(), max: z.number().optional() })),
  layout: z
    .object({
      particles: z.number().int(),
      radius: z.number(),
      box: z.object({ min: z.tuple([z.number(), z.number()]), max: z.tuple([z.number(), z.number()]) }),
      highlighted: z.array(z.number().int()),
    })
    .nullable(),
  /** Monte Carlo can move one particle at a time (umbrella `moves: 'particle'`). */
  particleMoves: z.boolean(),
});

export const SampleSetData = z.object({
  id: Id,
  runId: Id,
  temperature: z.number(),
  n: z.number().int(),
  dim: z.number().int(),
  /** Returned configurations (at most `limit`), flat row-major. */
  x: z.array(z.number()),
  energy: z.array(z.number()),
  logWeights: z.array(z.number()),
  rc: z.array(z.number()),
  ess: z.number(),
});

/** ΔF = F(second state) − F(first) in kT₀; null when a state holds no weight ("not sampled"). */
export const DeltaF = z.object({ value: z.number().nullable(), error: z.number().nullable() });

export const FreeEnergyResult = z.object({
  analysisId: Id,
  temperature: z.number(),
  profile: z.array(ProfilePoint),
  deltaF: DeltaF,
  ess: z.number(),
});

/** Umbrella sampling + WHAM along a system's reaction coordinate (the paper's reference). */
export const UmbrellaRequest = z.object({
  systemId: Id,
  preset: z.string().optional(),
  params: z.record(z.string(), z.number()).default({}),
  temperature: z.number().positive(),
  /** Window centres, evenly spaced on `range` (ends included). */
  windows: z.number().int().min(2).default(35),
  /** Window centres and profile range; default the system's reaction-coordinate range. */
  range: z.tuple([z.number(), z.number()]).optional(),
  forceConstant: z.number().positive().default(500),
  /** MC steps per window and pass (sweeps with single-particle moves). */
  steps: z.number().int().positive().default(50000),
  /** Gaussian proposal width (scaled by √τ); default per system and moves. */
  stepSize: z.number().positive().optional(),
  /** 'all' coordinates per step (the paper's) or sweeps of single-'particle' moves (particle systems). */
  moves: z.enum(['all', 'particle']).default('all'),
  stride: z.number().int().positive().default(10),
  passes: z.enum(['forward', 'forward-backward']).default('forward-backward'),
  chainsPerWindow: z.number().int().positive().default(1),
  bins: z.number().int().positive().default(60),
  bootstrap: z.number().int().nonnegative().default(50),
  seed: z.number().int().nonnegative().optional(),
});

export const UmbrellaAnalysis = z.object({
  analysisId: Id,
  systemId: z.string(),
  temperature: z.number(),
  profile: z.array(ProfilePoint),
  deltaF: DeltaF,
  deltaFForward: z.number().nullable(),
  deltaFBackward: z.number().nullable(),
  windows: z.array(
    z.object({
      center: z.number(),
      pass: z.enum(['forward', 'backward']),
      mean: z.number(),
      n: z.number().int(),
      acceptance: z.number(),
    }),
  ),
  /** MC steps over all windows and chains; sweeps when `moves` is 'particle'. */
  totalSteps: z.number(),
  moves: z.enum(['all', 'particle']),
  wallTimeSeconds: z.number(),
  params: z.record(z.string(), z.unknown()),
});

export const ExportFormat = z.enum(EXPORT_FORMATS);

export const ImportOptions = z.object({
  systemId: z.string(),
  format: z.string().optional(),
  units: z.enum(['angstrom', 'nm', 'reduced']).optional(),
  scale: z.number().positive().optional(),
  atoms: z.string().optional(),
  plane: z.enum(['xy', 'xz', 'yz']).optional(),
  allowNonConstantAxis: z.boolean().optional(),
  relabel: z.boolean().optional(),
  stride: z.number().int().positive().optional(),
  frames: z.tuple([z.number().int(), z.number().int()]).optional(),
});

function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

/** runs.latentMap: a grid in one space drawn through the trained flow into the other (2D systems only). */
const Point2 = z.tuple([z.number(), z.number()]);
export const LatentMapRequest = z.object({
  runId: Id,
  /** Grid lines per axis. */
  lines: z.number().int().min(2).max(201).default(21),
  pointsPerLine: z.number().int().min(2).max(1001).default(101),
  /** Half-width of the latent grid in latent units (σ of the prior). */
  extent: z.number().positive().default(3),
  /** forward: latent grid → F_zx → configuration space; inverse: configuration grid → F_xz → latent. */
  direction: z.enum(['forward', 'inverse']).default('forward'),
  /** Configuration-space box of the inverse grid; default: the box the forward map of the latent grid covers. */
  range: z.tuple([Point2, Point2]).optional(),
  /** Also map this sample set's configurations (overlay). */
  sampleSetId: Id.optional(),
  /** At most this many training-data and sample points in the overlay. */
  maxPoints: z.number().int().nonnegative().default(2000),
});
export const LatentMap = z.object({
  direction: z.enum(['forward', 'inverse']),
  /** Space the polylines and overlays are drawn in. */
  space: z.enum(['configuration', 'latent']),
  /** Axis labels with units of that space. */
  axes: z.tuple([z.string(), z.string()]),
  /** Grid lines in the source space: `axis` is the coordinate held constant at `value`. */
  lines: z.array(
    z.object({ axis: z.union([z.literal(0), z.literal(1)]), value: z.number(), points: z.array(Point2) }),
  ),
  /** Source-space box of the grid: [[min1, max1], [min2, max2]]. */
  gridRange: z.tuple([Point2, Point2]),
  /** Training data mapped into `space` (none when the run has no data). */
  data: z.array(Point2),
  /** The requested sample set mapped into `space`. */
  samples: z.array(Point2),
});

export const methods = {
  'app.info': method(
    z.object({}),
    z.object({ version: z.string(), backend: z.string(), transport: z.string() }),
  ),
  'project.create': method(z.object({ path: z.string().min(1), name: z.string().optional() }), ProjectInfo),
  'project.open': method(z.object({ path: z.string().min(1) }), ProjectInfo),
  'project.current': method(z.object({}), ProjectInfo.nullable()),
  'project.recent': method(z.object({}), z.array(z.object({ path: z.string(), openedAt: z.string() }))),
  'project.history': method(z.object({}), z.array(HistoryEntry)),
  'systems.list': method(z.object({}), z.array(SystemInfo)),
  'systems.energyProfile': method(
    z.object({
      systemId: Id,
      params: z.record(z.string(), z.number()).default({}),
      points: z.number().int().positive().default(200),
    }),
    z.array(z.object({ rc: z.number(), energy: z.number() })),
  ),
  'datasets.list': method(z.object({}), z.array(DatasetSummary)),
  'datasets.simulate': method(
    z.object({
      systemId: Id,
      params: z.record(z.string(), z.number()).default({}),
      samplesPerStart: z.number().int().positive(),
      stepSize: z.number().positive(),
      stride: z.number().int().positive().default(10),
      temperature: z.number().positive().default(1),
    }),
    JobRef,
  ),
  /** Import from a path on the back end's file system (desktop, CLI). */
  'datasets.import': method(z.object({ path: z.string().min(1), options: ImportOptions }), JobRef),
  /** Import file contents sent by the UI (browser drag and drop), base64-encoded. */
  'datasets.importBytes': method(
    z.object({ fileName: z.string().min(1), base64: z.string(), options: ImportOptions }),
    JobRef,
  ),
  'datasets.rcHistogram': method(
    z.object({ datasetId: Id, bins: z.number().int().positive().default(50) }),
    z.object({ edges: z.array(z.number()), counts: z.array(z.number()) }),
  ),
  'runs.start': method(z.object({ spec: RunSpec }), z.object({ runId: Id, jobId: Id })),
  'runs.resume': method(z.object({ runId: Id }), z.object({ runId: Id, jobId: Id })),
  'runs.cancel': method(z.object({ runId: Id }), z.object({ cancelled: z.boolean() })),
  'runs.list': method(z.object({}), z.array(RunSummary)),
  'runs.get': method(z.object({ runId: Id }), z.object({ summary: RunSummary, spec: RunSpec })),
  'runs.metrics': method(
    z.object({ runId: Id, afterIteration: z.number().int().default(-1) }),
    z.array(
      z.object({
        iteration: z.number().int(),
        stage: z.number().int(),
        loss: z.number(),
        ml: z.number().nullable(),
        kl: z.number().nullable(),
        rc: z.number().nullable(),
        gradNorm: z.number(),
        essFraction: z.number().nullable(),
        skipped: z.number().int(),
        time: z.number(),
        mlValidation: z.number().nullable().optional(),
      }),
    ),
  ),
  'runs.latentMap': method(LatentMapRequest, LatentMap),
  'samples.create': method(
    z.object({
      runId: Id,
      temperature: z.number().positive(),
      n: z.number().int().positive(),
      /** Annealed reweighting for this draw; null turns off the run's own, absent keeps it. */
      anneal: SamplingSpec.shape.anneal.nullable(),
    }),
    JobRef,
  ),
  'samples.list': method(
    z.object({ runId: Id.optional() }),
    z.array(
      z.object({
        id: Id,
        runId: Id,
        temperature: z.number(),
        n: z.number().int(),
        ess: z.number(),
        createdAt: z.string(),
      }),
    ),
  ),
  'samples.get': method(
    z.object({ sampleSetId: Id, limit: z.number().int().positive().default(1000) }),
    SampleSetData,
  ),
  'analysis.freeEnergy': method(
    z.object({
      sampleSetId: Id,
      bins: z.number().int().positive().default(60),
      range: z.tuple([z.number(), z.number()]).optional(),
      bootstrap: z.number().int().nonnegative().default(100),
    }),
    FreeEnergyResult,
  ),
  /** Starts umbrella sampling + WHAM; the job's resultId is the stored analysis (kind 'umbrella'). */
  'analysis.umbrella': method(UmbrellaRequest, JobRef),
  'analysis.umbrellaGet': method(z.object({ analysisId: Id }), UmbrellaAnalysis),
  'export.write': method(
    z.object({
      what: z.enum(['profile', 'histogram', 'samples', 'dataset']),
      id: Id,
      format: ExportFormat,
      path: z.string().min(1).optional(),
    }),
    /** Where it was written; in browser mode also the content for download. */
    z.object({
      exportId: Id,
      path: z.string(),
      content: z.string().optional(),
      encoding: z.enum(['utf8', 'base64']),
    }),
  ),
  'jobs.cancel': method(z.object({ jobId: Id }), z.object({ cancelled: z.boolean() })),
} as const;

export const events = {
  'job.progress': z.object({
    jobId: Id,
    kind: JobKind,
    fraction: z.number().min(0).max(1),
    message: z.string(),
  }),
  'job.finished': z.object({
    jobId: Id,
    kind: JobKind,
    status: z.enum(['completed', 'failed', 'cancelled']),
    /** Id of what the job produced: dataset, run or sample set. */
    resultId: z.string().nullable(),
    error: z.string().nullable(),
    warnings: z.array(z.string()).default([]),
  }),
  'run.metrics': z.object({
    runId: Id,
    rows: methods['runs.metrics'].output,
  }),
  /**
   * Desktop shell → UI: a menu item or a file drop asks the UI to act. `import` carries the paths
   * chosen in the native dialog or dropped on the window; `project.opened` follows New/Open from
   * the menu (the back end has already opened it); `export` asks the UI to open its export panel.
   */
  'ui.command': z.object({
    command: z.enum(['project.opened', 'import', 'export']),
    paths: z.array(z.string()).default([]),
  }),
} as const;

export type MethodName = keyof typeof methods;
export type EventName = keyof typeof events;
export type MethodInput<M extends MethodName> = z.input<(typeof methods)[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<(typeof methods)[M]['output']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

/** Errors cross transports as data; `code` lets the UI tell cancellation from failure. */
export const ContractError = z.object({
  code: z.enum(['invalid_request', 'unknown_method', 'not_found', 'cancelled', 'failed', 'unauthorized']),
  message: z.string(),
  details: z.unknown().optional(),
});
export type ContractError = z.infer<typeof ContractError>;

/** What the renderer holds: the same shape over every transport. */
export interface WorkbenchClient {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  on<E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void): () => void;
}
