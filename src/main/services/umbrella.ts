/**
 * analysis.umbrella: umbrella sampling + WHAM along a system's reaction coordinate in a job (the
 * paper's reference for the dimer), stored as an analysis of kind 'umbrella' so it shows in the
 * history, exports like any profile, and can be overlaid on the generator's free-energy plots.
 */
import type { z } from 'zod';
import type { UmbrellaSettings } from '../../core/analysis/umbrellaFreeEnergy.js';
import { canMoveParticles, createSystem } from '../../core/systems/catalog.js';
import type { EnergySystem } from '../../core/systems/types.js';
import { UmbrellaRequest, type UmbrellaAnalysis } from '../../shared/contract.js';
import type { JobOutcome } from '../jobs/runner.js';
import type { UmbrellaJobResult } from '../workers/umbrellaJob.js';
import type { ServiceContext } from './context.js';
import { requireStore } from './context.js';
import { notFound, ServiceError } from './errors.js';
import type { ServiceTable } from './types.js';
import { contractDeltaF, finiteOrNull } from './finite.js';

export const UMBRELLA_KIND = 'umbrella';

type Request = z.output<typeof UmbrellaRequest>;
type Analysis = z.output<typeof UmbrellaAnalysis>;

/** Parameters stored with the analysis: everything needed to repeat it. */
export interface UmbrellaParams extends Record<string, unknown> {
  systemId: string;
  preset: string | null;
  systemParams: Record<string, number>;
  seed: number;
  /** Profile bins and range (the export writers read these for full PLUMED grids). */
  bins: number;
  range: [number, number];
  settings: UmbrellaSettings;
}

function systemOf(i: Request): EnergySystem {
  try {
    return createSystem({ id: i.systemId, preset: i.preset, params: i.params });
  } catch (e) {
    throw new ServiceError('invalid_request', (e as Error).message);
  }
}

/** Validates a request against its system and fills in the system-dependent defaults. */
export function umbrellaSettings(
  system: EnergySystem,
  i: Request,
): UmbrellaSettings & { range: [number, number] } {
  const range: [number, number] = i.range ?? [...system.reactionCoordinate.range];
  if (!(range[1] > range[0]))
    throw new ServiceError('invalid_request', `range must be [min, max] with min < max`);
  if (i.moves === 'particle' && !canMoveParticles(system))
    throw new ServiceError(
      'invalid_request',
      `moves "particle" needs a particle system; "${system.id}" has no per-particle energy`,
    );
  if (i.steps < i.stride)
    throw new ServiceError('invalid_request', `steps (${i.steps}) must be at least stride (${i.stride})`);
  return {
    temperature: i.temperature,
    windows: i.windows,
    range,
    forceConstant: i.forceConstant,
    steps: i.steps,
    stepSize: i.stepSize,
    moves: i.moves,
    stride: i.stride,
    passes: i.passes,
    chainsPerWindow: i.chainsPerWindow,
    bins: i.bins,
    bootstrap: i.bootstrap,
  };
}

export function umbrellaServices(
  ctx: ServiceContext,
): Pick<ServiceTable, 'analysis.umbrella' | 'analysis.umbrellaGet'> {
  return {
    'analysis.umbrella': async (input) => {
      const store = requireStore(ctx);
      // Direct callers (CLI, tests) skip the transports' validation: apply the defaults here too.
      const parsed = UmbrellaRequest.safeParse(input);
      if (!parsed.success) throw new ServiceError('invalid_request', parsed.error.issues[0].message);
      const i = parsed.data;
      const system = systemOf(i);
      const settings = umbrellaSettings(system, i);
      const seed = i.seed ?? Math.floor(Math.random() * 2 ** 31);
      const params: UmbrellaParams = {
        systemId: system.id,
        preset: i.preset ?? null,
        systemParams: { ...system.params },
        seed,
        bins: settings.bins,
        range: settings.range,
        settings,
      };
      let resultId: string | null = null;
      const jobId = ctx.jobs.start(
        { kind: 'umbrella', system: { id: i.systemId, preset: i.preset, params: i.params }, settings, seed },
        {
          onEvent(e) {
            if (e.type !== 'umbrella') return;
            const r: UmbrellaJobResult = e.result;
            store.db.transaction(() => {
              store.systems.ensure(system.id, system.name, { ...system.params });
              resultId = store.analyses.insert({
                kind: UMBRELLA_KIND,
                runId: null,
                sampleSetId: null,
                temperature: r.temperature,
                params,
                result: {
                  ...r,
                  deltaF: contractDeltaF(r.deltaF),
                },
              }).id;
            })();
          },
          onDone(o: JobOutcome) {
            if (o.status === 'completed' && !resultId) {
              return { resultId: null, status: 'failed', error: 'umbrella job produced no result' };
            }
            return { resultId };
          },
        },
      );
      return { jobId };
    },
    'analysis.umbrellaGet': async ({ analysisId }) => {
      const store = requireStore(ctx);
      const a = store.analyses.get<UmbrellaJobResult>(analysisId);
      if (!a || a.kind !== UMBRELLA_KIND) throw notFound('umbrella analysis', analysisId);
      const p = a.params as UmbrellaParams;
      const r = a.result;
      const out: Analysis = {
        analysisId: a.id,
        systemId: p.systemId,
        temperature: r.temperature,
        profile: r.profile,
        deltaF: r.deltaF,
        deltaFForward: r.deltaFForward === null ? null : finiteOrNull(r.deltaFForward),
        deltaFBackward: r.deltaFBackward === null ? null : finiteOrNull(r.deltaFBackward),
        windows: r.windows,
        totalSteps: r.totalSteps,
        // Analyses stored before single-particle moves existed moved all coordinates.
        moves: r.moves ?? 'all',
        wallTimeSeconds: r.wallTimeSeconds,
        params: a.params,
      };
      return out;
    },
  };
}
