/** analysis.freeEnergy: reweighted free-energy profile and ΔF of a sample set, saved as an analysis. */
import { ess } from '../../core/analysis/ess.js';
import { deltaF, freeEnergyProfile } from '../../core/analysis/freeEnergy.js';
import { referenceDeltaF, referenceProfile } from '../../core/analysis/quadrature.js';
import type { EnergySystem } from '../../core/systems/types.js';
import { Rng } from '../../core/random.js';
import type { ServiceContext } from './context.js';
import { requireStore } from './context.js';
import { notFound } from './errors.js';
import { systemFrom } from './systems.js';
import type { ServiceTable } from './types.js';
import { clampToFinite, contractDeltaF } from './finite.js';

/**
 * The exact answer where one exists (2D systems: quadrature on a grid), stored with the analysis
 * so the history holds the comparison; null for the dimer.
 */
function reference(system: EnergySystem, temperature: number, bins: number, range: [number, number]) {
  if (system.dim !== 2) return null;
  try {
    return {
      method: 'quadrature',
      profile: referenceProfile(system, { temperature, bins, range }),
      deltaF: referenceDeltaF(system, temperature),
    };
  } catch {
    // No quadrature grid for this system: the analysis stands without a reference.
    return null;
  }
}

export function analysisServices(ctx: ServiceContext): Pick<ServiceTable, 'analysis.freeEnergy'> {
  return {
    'analysis.freeEnergy': async ({ sampleSetId, bins, range, bootstrap }) => {
      const store = requireStore(ctx);
      const s = store.samples.get(sampleSetId);
      if (!s) throw notFound('sample set', sampleSetId);
      const run = store.runs.get(s.runId)!;
      const system = systemFrom(run.spec.system.id, run.spec.system.params);
      const rc = system.reactionCoordinate.compute(s.x, s.n);
      const r =
        range ?? run.spec.analysis.range ?? ([...system.reactionCoordinate.range] as [number, number]);
      // Seeded from the run so the same request gives the same error bars.
      const rng = new Rng(run.spec.seed + 7919);
      const profile = freeEnergyProfile(rc, s.logWeights, {
        bins,
        range: r,
        temperature: s.temperature,
        bootstrap,
        rng,
        blocks: s.islands,
      })
        .filter((b) => Number.isFinite(b.F))
        .map((b) => ({ rc: b.rc, F: b.F, error: clampToFinite(b.error) }));
      const dF = deltaF(rc, s.logWeights, system.states, s.temperature, bootstrap, rng, s.islands);
      const result = {
        profile,
        deltaF: contractDeltaF(dF),
        ess: ess(s.logWeights),
      };
      const a = store.analyses.insert({
        kind: 'free-energy',
        runId: s.runId,
        sampleSetId,
        temperature: s.temperature,
        params: { bins, range: r, bootstrap },
        result: { ...result, reference: reference(system, s.temperature, bins, r) },
      });
      return { analysisId: a.id, temperature: s.temperature, ...result };
    },
  };
}
