/**
 * Body of an umbrella-sampling job (worker thread or inline): the windows, WHAM and ΔF of
 * core's umbrellaFreeEnergyAsync (yielding between windows), reported as one 'umbrella' event; the main side stores it.
 */
import {
  umbrellaFreeEnergyAsync,
  type UmbrellaFreeEnergy,
  type UmbrellaSettings,
} from '../../core/analysis/umbrellaFreeEnergy.js';
import { Rng } from '../../core/random.js';
import { createSystem } from '../../core/systems/catalog.js';
import type { Emit } from './protocol.js';

export interface UmbrellaJobRequest {
  kind: 'umbrella';
  system: { id: string; preset?: string; params: Record<string, number> };
  settings: UmbrellaSettings;
  seed: number;
}

export type UmbrellaJobResult = UmbrellaFreeEnergy;

export async function runUmbrellaJob(
  req: UmbrellaJobRequest,
  emit: Emit,
  signal: AbortSignal,
): Promise<void> {
  const system = createSystem(req.system);
  const result = await umbrellaFreeEnergyAsync(system, req.settings, new Rng(req.seed), {
    signal,
    onProgress: (fraction, message) => emit({ type: 'progress', fraction, message }),
  });
  emit({ type: 'umbrella', result });
}
