/**
 * Body of an annealing job: one population of a run's sampling, annealed in its own worker thread
 * so that the populations of one temperature use every core (annealPool.ts starts these). The flow
 * is rebuilt from the run's spec and weights; the result comes back as one 'population' event.
 */
import type { PopulationResult, PopulationSettings, PopulationTask } from '../../core/sampling/annealed.js';
import type { AnnealedFlow } from '../../core/run/types.js';
import type { Emit } from './protocol.js';
import { buffersOf } from './transfer.js';

export interface AnnealJobRequest {
  kind: 'anneal';
  flow: AnnealedFlow;
  task: PopulationTask;
  settings: PopulationSettings;
}

export type AnnealJobResult = PopulationResult;

export async function runAnnealJob(req: AnnealJobRequest, emit: Emit, signal: AbortSignal): Promise<void> {
  // Lazily: these pull in TensorFlow.js, which the other jobs need not load.
  const { initBackend } = await import('../../core/backend.js');
  const { createFlow } = await import('../../core/flows/flow.js');
  const { loadWeights } = await import('../../core/run/checkpoint.js');
  const { canonicalSector } = await import('../../core/run/trainingData.js');
  const { annealPopulation } = await import('../../core/sampling/annealed.js');
  const { createSystem } = await import('../../core/systems/catalog.js');
  const { Rng } = await import('../../core/random.js');
  await initBackend();
  const { spec, weights, canonical } = req.flow;
  const system = createSystem(spec.system);
  const flow = createFlow(spec.flow, system.dim, new Rng(0));
  try {
    loadWeights(flow, weights);
    const result = await annealPopulation(flow, system, req.task, req.settings, {
      inRegion: (canonical && canonicalSector(spec, system)) || undefined,
      signal,
      onProgress: (fraction) => emit({ type: 'progress', fraction, message: 'Annealing' }),
    });
    emit({ type: 'population', result }, buffersOf(result.z, result.x, result.energy, result.logWeights));
  } finally {
    flow.dispose();
  }
}
