/** runs.*: start, resume from the last checkpoint, fine-tune (spec.initFrom), cancel, list, metrics. */
import type { RunSpec } from '../../shared/runspec.js';
import type { RunRecord } from '../store/runs.js';
import type { Store } from '../store/store.js';
import type { JobOutcome } from '../jobs/runner.js';
import type { Checkpoint } from '../../core/run/types.js';
import type { ServiceContext } from './context.js';
import { requireStore } from './context.js';
import { notFound, ServiceError } from './errors.js';
import { RunPersister } from './runPersister.js';
import { systemFrom } from './systems.js';
import type { ServiceTable } from './types.js';

function summary(r: RunRecord) {
  return {
    id: r.id,
    name: r.name,
    status: r.status,
    systemId: r.systemId,
    backend: r.backend,
    createdAt: r.createdAt,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    iterations: r.iterations,
    totalIterations: r.totalIterations,
    parentRunId: r.parentRunId,
    error: r.error,
  };
}

/** Training data when the spec names a dataset of this project. */
export function datasetFor(store: Store, spec: RunSpec): Float32Array | undefined {
  if (spec.data.source !== 'dataset') return undefined;
  const x = store.datasets.frames(spec.data.datasetId);
  if (!x) throw notFound('dataset', spec.data.datasetId);
  return x;
}

function initWeightsFor(store: Store, spec: RunSpec): Uint8Array | undefined {
  if (!spec.initFrom) return undefined;
  const parent = store.runs.get(spec.initFrom.runId);
  if (!parent) throw notFound('run', spec.initFrom.runId);
  const c = store.runs.checkpoint(parent.id, spec.initFrom.checkpointId);
  if (!c?.bytes) {
    throw new ServiceError(
      'invalid_request',
      spec.initFrom.checkpointId
        ? `run ${parent.id} has no checkpoint ${spec.initFrom.checkpointId} with weights (only the latest few keep them)`
        : `run ${parent.id} has no checkpoint to start from`,
    );
  }
  return c.bytes;
}

/** Start the training job of an existing run record (fresh or resumed). */
function launch(ctx: ServiceContext, store: Store, run: RunRecord, resume: Checkpoint | undefined): string {
  const spec = run.spec;
  const data = datasetFor(store, spec);
  const initWeights = resume ? undefined : initWeightsFor(store, spec);
  const kept = resume ? store.runs.metrics(run.id, resume.iteration - 2) : [];
  const timeOffset = kept.length ? kept[kept.length - 1].time : 0;
  const persister = new RunPersister(store, ctx.sink, run.id, {
    metrics: true,
    checkpoints: true,
    timeOffset,
  });
  const started = Date.now();
  store.runs.markRunning(run.id, null);
  try {
    return startTraining(ctx, store, run, { data, initWeights, resume }, persister, started);
  } catch (e) {
    // The job never started: the run must not stay 'running' under this live process.
    store.runs.finish(run.id, 'failed', { error: (e as Error).message });
    throw e;
  }
}

function startTraining(
  ctx: ServiceContext,
  store: Store,
  run: RunRecord,
  inputs: { data?: Float32Array; initWeights?: Uint8Array; resume?: Checkpoint },
  persister: RunPersister,
  started: number,
): string {
  const { data, initWeights, resume } = inputs;
  const spec = run.spec;
  return ctx.jobs.start(
    { kind: 'training', spec, data, initWeights, resume },
    {
      onEvent: (e) => persister.onEvent(e),
      onDone: (o: JobOutcome) => {
        const wallSeconds = (Date.now() - started) / 1000;
        if (o.status === 'completed') {
          persister.commit({
            analyses: true,
            finish: () => store.runs.finish(run.id, 'completed', { result: persister.result, wallSeconds }),
          });
        } else {
          persister.flush();
          store.runs.finish(run.id, o.status, { error: o.error, wallSeconds });
        }
        return { resultId: run.id };
      },
    },
    run.id,
  );
}

export function startRun(ctx: ServiceContext, spec: RunSpec): { runId: string; jobId: string } {
  const store = requireStore(ctx);
  const system = systemFrom(spec.system.id, spec.system.params);
  datasetFor(store, spec);
  initWeightsFor(store, spec);
  const run = store.db.transaction(() => {
    store.systems.ensure(system.id, system.name, { ...system.params });
    return store.runs.create(spec, {
      parentRunId: spec.initFrom?.runId ?? null,
      datasetId: spec.data.source === 'dataset' ? spec.data.datasetId : null,
    });
  })();
  return { runId: run.id, jobId: launch(ctx, store, run, undefined) };
}

export function resumeRun(ctx: ServiceContext, runId: string): { runId: string; jobId: string } {
  const store = requireStore(ctx);
  const run = store.runs.get(runId);
  if (!run) throw notFound('run', runId);
  if (ctx.jobs.jobOfRun(runId) || run.status === 'running')
    throw new ServiceError('invalid_request', `run ${runId} is running`);
  if (run.status === 'completed')
    throw new ServiceError(
      'invalid_request',
      `run ${runId} has completed; start a new run with initFrom to train further`,
    );
  const c = store.runs.checkpoint(runId);
  const resume = c?.bytes ? { iteration: c.iteration, bytes: c.bytes } : undefined;
  store.runs.rewindTo(runId, resume?.iteration ?? 0);
  return { runId, jobId: launch(ctx, store, run, resume) };
}

export function runServices(
  ctx: ServiceContext,
): Pick<
  ServiceTable,
  'runs.start' | 'runs.resume' | 'runs.cancel' | 'runs.list' | 'runs.get' | 'runs.metrics' | 'jobs.cancel'
> {
  return {
    'runs.start': async ({ spec }) => startRun(ctx, spec),
    'runs.resume': async ({ runId }) => resumeRun(ctx, runId),
    'runs.cancel': async ({ runId }) => {
      const jobId = ctx.jobs.jobOfRun(runId);
      return { cancelled: jobId ? ctx.jobs.cancel(jobId) : false };
    },
    'runs.list': async () => requireStore(ctx).runs.list().map(summary),
    'runs.get': async ({ runId }) => {
      const r = requireStore(ctx).runs.get(runId);
      if (!r) throw notFound('run', runId);
      return { summary: summary(r), spec: r.spec };
    },
    'runs.metrics': async ({ runId, afterIteration }) => {
      const store = requireStore(ctx);
      if (!store.runs.get(runId)) throw notFound('run', runId);
      return store.runs.metrics(runId, afterIteration);
    },
    'jobs.cancel': async ({ jobId }) => ({ cancelled: ctx.jobs.cancel(jobId) }),
  };
}

export { summary as runSummary };
