/**
 * The bodies of background jobs, written once and run either inside a worker thread (the app) or
 * inline (tests, a fake executor). They talk only through `emit`: the main side persists what they
 * report, so a job never touches the store.
 */
import { createSystem } from '../../core/systems/catalog.js';
import { metropolisRun } from '../../core/sampling/metropolis.js';
import { relabelIdentical, solventOf } from '../../core/sampling/relabel.js';
import { Rng } from '../../core/random.js';
import type { ExecuteRun, ProgressEvent } from '../../core/run/types.js';
import type { Emit, JobRequest } from './protocol.js';
import { annealInWorkers } from './annealPool.js';
import { buffersOf } from './transfer.js';

export interface JobDeps {
  /** The run executor; defaults to core's executeRun (loaded lazily: it pulls in TensorFlow.js). */
  executeRun?: ExecuteRun;
}

const PHASES: Record<ProgressEvent['phase'], [number, number]> = {
  data: [0, 0.1],
  training: [0.1, 0.9],
  sampling: [0.9, 0.98],
  analysis: [0.98, 1],
};

/** A sampling job restores weights and samples: sampling is nearly all of its time. */
const SAMPLING_PHASES: Record<ProgressEvent['phase'], [number, number]> = {
  data: [0, 0.02],
  training: [0.02, 0.02],
  sampling: [0.02, 0.95],
  analysis: [0.95, 1],
};

async function loadExecutor(deps: JobDeps, emit: Emit): Promise<ExecuteRun> {
  if (deps.executeRun) return deps.executeRun;
  const { initBackend, describeBackend } = await import('../../core/backend.js');
  await initBackend();
  emit({ type: 'backend', name: describeBackend() });
  const { executeRun } = await import('../../core/run/execute.js');
  return executeRun;
}

async function runSpec(
  req: Extract<JobRequest, { kind: 'training' | 'sampling' }>,
  emit: Emit,
  signal: AbortSignal,
  deps: JobDeps,
): Promise<void> {
  const execute = await loadExecutor(deps, emit);
  const sampling = req.kind === 'sampling';
  // Sampling = the run's own executor with no iterations left: restore the checkpoint, skip
  // training (and its data), sample at one τ. A per-request seed gives fresh samples each time.
  const spec = sampling
    ? {
        ...req.spec,
        seed: req.seed,
        training: {
          ...req.spec.training,
          stages: req.spec.training.stages.map((s) => ({ ...s, iterations: 0 })),
        },
        sampling: {
          ...req.spec.sampling,
          temperatures: [req.temperature],
          n: req.n,
          ...(req.anneal !== undefined && { anneal: req.anneal ?? undefined }),
        },
        // One τ: plain per-temperature weights (annealed samples cannot be pooled anyway).
        analysis: { ...req.spec.analysis, reweighting: 'temperature' as const, temperatures: undefined },
      }
    : req.spec;
  const result = await execute(spec, {
    data: req.data,
    initWeights: req.kind === 'training' ? req.initWeights : undefined,
    resume: sampling ? req.checkpoint : req.resume,
    signal,
    annealRunner: annealInWorkers(),
    onProgress: (e) => {
      const [a, b] = (sampling ? SAMPLING_PHASES : PHASES)[e.phase];
      emit({
        type: 'progress',
        fraction: Math.min(1, Math.max(0, a + (b - a) * e.fraction)),
        message: e.message,
      });
    },
    onMetrics: (rows) => {
      if (!sampling) emit({ type: 'metrics', rows });
    },
    onCheckpoint: (c) => {
      if (sampling) return;
      const bytes = c.bytes.slice();
      emit({ type: 'checkpoint', checkpoint: { iteration: c.iteration, bytes } }, buffersOf(bytes));
    },
    onSamples: (s) => {
      const copy = {
        ...s,
        z: s.z.slice(),
        x: s.x.slice(),
        energy: s.energy.slice(),
        logWeights: s.logWeights.slice(),
      };
      emit({ type: 'samples', samples: copy }, buffersOf(copy.z, copy.x, copy.energy, copy.logWeights));
    },
  });
  emit({ type: 'result', result });
}

function simulate(req: Extract<JobRequest, { kind: 'simulate' }>, emit: Emit, signal: AbortSignal): void {
  const system = createSystem({ id: req.systemId, params: req.params });
  const starts = system.initialConfigurations();
  const out = metropolisRun(
    system,
    {
      starts,
      samplesPerStart: req.samplesPerStart,
      stride: req.stride,
      stepSize: req.stepSize,
      burnIn: 0,
      temperature: req.temperature,
    },
    new Rng(req.seed),
    { signal, onProgress: (f) => emit({ type: 'progress', fraction: f, message: 'Metropolis sampling' }) },
  );
  const frames = out.frames.length / system.dim;
  // Particle systems: relabel the identical (solvent) particles against the initial grid, as the
  // paper does, so a flow trained on this dataset need not learn permutation symmetry.
  const identical = solventOf(system);
  const x = identical.length > 1 ? relabelIdentical(out.frames, frames, starts[0], identical, 2) : out.frames;
  emit(
    {
      type: 'dataset',
      x,
      frames,
      dim: system.dim,
      provenance: {
        method: 'metropolis',
        systemId: req.systemId,
        params: system.params,
        samplesPerStart: req.samplesPerStart,
        starts: starts.length,
        stride: req.stride,
        stepSize: req.stepSize,
        temperature: req.temperature,
        seed: req.seed,
        acceptance: out.acceptance,
        relabelled: identical.length > 1,
      },
      warnings: [],
    },
    buffersOf(x),
  );
}

async function importFile(
  req: Extract<JobRequest, { kind: 'import' }>,
  emit: Emit,
  signal: AbortSignal,
): Promise<void> {
  const { importDataset } = await import('./importDataset.js');
  const d = await importDataset(req, signal, (fraction, message) =>
    emit({ type: 'progress', fraction, message }),
  );
  emit({ type: 'dataset', ...d }, buffersOf(d.x));
}

/** Progress at most every 50 ms (Metropolis reports every sweep): fewer messages to post. */
function throttleProgress(emit: Emit): Emit {
  let last = 0;
  return (event, transfer) => {
    if (event.type === 'progress' && event.fraction < 1) {
      const t = Date.now();
      if (t - last < 50) return;
      last = t;
    }
    emit(event, transfer);
  };
}

export async function runJob(
  req: JobRequest,
  rawEmit: Emit,
  signal: AbortSignal,
  deps: JobDeps = {},
): Promise<void> {
  const emit = throttleProgress(rawEmit);
  try {
    switch (req.kind) {
      case 'training':
      case 'sampling':
        await runSpec(req, emit, signal, deps);
        break;
      case 'simulate':
        simulate(req, emit, signal);
        break;
      case 'import':
        await importFile(req, emit, signal);
        break;
      case 'umbrella':
        await (await import('./umbrellaJob.js')).runUmbrellaJob(req, emit, signal);
        break;
      case 'anneal':
        await (await import('./annealJob.js')).runAnnealJob(req, emit, signal);
        break;
    }
  } catch (e) {
    const err = e as Error;
    const cancelled = signal.aborted || err?.name === 'CancellationError' || err?.name === 'AbortError';
    emit({ type: 'error', message: cancelled ? 'cancelled' : (err?.message ?? String(e)), cancelled });
  }
}
