/** datasets.*: list, simulate by Metropolis MC, import trajectories, rc histograms. */
import { weightedHistogram } from '../../core/analysis/histogram.js';
import type { JobOutcome } from '../jobs/runner.js';
import type { JobEvent, UserJobRequest } from '../workers/protocol.js';
import type { ServiceContext } from './context.js';
import { requireStore } from './context.js';
import { notFound } from './errors.js';
import { systemFrom } from './systems.js';
import type { ServiceTable } from './types.js';

/** Start a job that produces one dataset, and store it when it arrives. */
function datasetJob(
  ctx: ServiceContext,
  req: UserJobRequest,
  name: string,
  systemId: string,
  params: Record<string, number>,
  source: string,
): string {
  const store = requireStore(ctx);
  const system = systemFrom(systemId, params);
  let resultId: string | null = null;
  let warnings: string[] = [];
  return ctx.jobs.start(req, {
    onEvent(e: JobEvent) {
      if (e.type !== 'dataset') return;
      warnings = e.warnings;
      store.db.transaction(() => {
        store.systems.ensure(system.id, system.name, { ...system.params });
        resultId = store.datasets.insert({
          name,
          systemId,
          systemParams: { ...system.params },
          frames: e.frames,
          dim: e.dim,
          source,
          x: e.x,
          provenance: e.provenance,
        }).id;
      })();
    },
    onDone(o: JobOutcome) {
      if (o.status === 'completed' && !resultId)
        return { resultId: null, status: 'failed', error: 'job produced no dataset' };
      return { resultId, warnings };
    },
  });
}

export function datasetServices(
  ctx: ServiceContext,
): Pick<
  ServiceTable,
  'datasets.list' | 'datasets.simulate' | 'datasets.import' | 'datasets.importBytes' | 'datasets.rcHistogram'
> {
  const importJob = (fileName: string, req: UserJobRequest & { kind: 'import' }): { jobId: string } => {
    systemFrom(req.options.systemId, {});
    return { jobId: datasetJob(ctx, req, fileName, req.options.systemId, {}, 'import') };
  };
  return {
    'datasets.list': async () =>
      requireStore(ctx)
        .datasets.list()
        .map((d) => ({
          id: d.id,
          name: d.name,
          systemId: d.systemId,
          frames: d.frames,
          dim: d.dim,
          source: d.source,
          createdAt: d.createdAt,
          provenance: d.provenance,
        })),
    'datasets.simulate': async (i) => {
      const seed = Math.floor(Math.random() * 2 ** 31);
      const req: UserJobRequest = {
        kind: 'simulate',
        systemId: i.systemId,
        params: i.params,
        samplesPerStart: i.samplesPerStart,
        stepSize: i.stepSize,
        stride: i.stride,
        temperature: i.temperature,
        seed,
      };
      return {
        jobId: datasetJob(ctx, req, `Metropolis τ=${i.temperature}`, i.systemId, i.params, 'metropolis'),
      };
    },
    'datasets.import': async ({ path, options }) =>
      importJob(path.split(/[\\/]/).pop() ?? path, { kind: 'import', fileName: path, path, options }),
    'datasets.importBytes': async ({ fileName, base64, options }) =>
      importJob(fileName, {
        kind: 'import',
        fileName,
        bytes: new Uint8Array(Buffer.from(base64, 'base64')),
        options,
      }),
    'datasets.rcHistogram': async ({ datasetId, bins }) => {
      const store = requireStore(ctx);
      const d = store.datasets.get(datasetId);
      if (!d) throw notFound('dataset', datasetId);
      const x = store.datasets.frames(datasetId)!;
      const system = systemFrom(d.systemId, d.systemParams);
      const rc = system.reactionCoordinate.compute(x, d.frames);
      let [lo, hi] = system.reactionCoordinate.range;
      for (const v of rc) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      const h = weightedHistogram(rc, null, { bins, range: [lo, hi] });
      return { edges: Array.from(h.edges), counts: Array.from(h.counts) };
    },
  };
}
