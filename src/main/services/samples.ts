/** samples.*: draw samples from a trained run at temperature τ, list and read sample sets. */
import type { JobOutcome } from '../jobs/runner.js';
import type { ServiceContext } from './context.js';
import { requireStore } from './context.js';
import { notFound, ServiceError } from './errors.js';
import { RunPersister } from './runPersister.js';
import { systemFrom } from './systems.js';
import type { ServiceTable } from './types.js';
import type { SamplingSpec } from '../../shared/runspec.js';
import { clampToFinite } from './finite.js';

export function createSamples(
  ctx: ServiceContext,
  runId: string,
  temperature: number,
  n: number,
  anneal?: SamplingSpec['anneal'] | null,
): string {
  const store = requireStore(ctx);
  const run = store.runs.get(runId);
  if (!run) throw notFound('run', runId);
  const c = store.runs.checkpoint(runId);
  if (!c?.bytes) throw new ServiceError('invalid_request', `run ${runId} has no checkpoint to sample from`);
  const persister = new RunPersister(store, ctx.sink, runId, { metrics: false, checkpoints: false });
  return ctx.jobs.start(
    {
      kind: 'sampling',
      spec: run.spec,
      checkpoint: { iteration: c.iteration, bytes: c.bytes },
      temperature,
      n,
      // Distinct, reproducible draws: the run's seed offset by how many sets it already has.
      seed: run.spec.seed + 1000 * (store.samples.list(runId).length + 1),
      anneal,
    },
    {
      onEvent: (e) => persister.onEvent(e),
      onDone: (o: JobOutcome) => {
        if (o.status === 'completed') persister.commit({ analyses: false });
        const set = persister.sampleSets[0];
        if (o.status === 'completed' && !set)
          return { resultId: null, status: 'failed', error: 'sampling produced no samples' };
        return { resultId: set?.id ?? null };
      },
    },
  );
}

export function sampleServices(
  ctx: ServiceContext,
): Pick<ServiceTable, 'samples.create' | 'samples.list' | 'samples.get'> {
  return {
    'samples.create': async ({ runId, temperature, n, anneal }) => ({
      jobId: createSamples(ctx, runId, temperature, n, anneal),
    }),
    'samples.list': async ({ runId }) =>
      requireStore(ctx)
        .samples.list(runId)
        .map((s) => ({
          id: s.id,
          runId: s.runId,
          temperature: s.temperature,
          n: s.n,
          ess: s.ess,
          createdAt: s.createdAt,
        })),
    'samples.get': async ({ sampleSetId, limit }) => {
      const store = requireStore(ctx);
      const s = store.samples.get(sampleSetId);
      if (!s) throw notFound('sample set', sampleSetId);
      const run = store.runs.get(s.runId)!;
      const system = systemFrom(run.spec.system.id, run.spec.system.params);
      const m = Math.min(limit, s.n);
      const x = s.x.subarray(0, m * s.dim);
      const rc = system.reactionCoordinate.compute(x, m);
      return {
        id: s.id,
        runId: s.runId,
        temperature: s.temperature,
        n: s.n,
        dim: s.dim,
        x: Array.from(x),
        energy: Array.from(s.energy.subarray(0, m), clampToFinite),
        logWeights: Array.from(s.logWeights.subarray(0, m), clampToFinite),
        rc: Array.from(rc, clampToFinite),
        ess: s.ess,
      };
    },
  };
}
