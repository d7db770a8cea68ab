import type { EnergySystem } from '../../core/systems/types.js';

/** Particles that are interchangeable: all but the highlighted ones (the dimer); none without a layout. */
export function solventOf(system: EnergySystem): number[] {
  if (!system.layout) return [];
  const highlighted = new Set(system.layout.highlighted);
  return Array.from({ length: system.layout.particles }, (_, i) => i).filter((i) => !highlighted.has(i));
}
