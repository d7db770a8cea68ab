/**
 * Single-particle Metropolis moves for particle systems: one sweep moves each particle in turn by a
 * 2D Gaussian step and accepts on the change of the terms that involve it (system.particleEnergy),
 * so a sweep does the pair work of about two energy evaluations. In a dense bath this is the
 * standard MC move: moving all 76 dimer coordinates at once needs steps ~5× smaller at ~17 %
 * acceptance, and its solvent stays in its cages far longer (bench/core/umbrella-moves.ts).
 */
import type { Rng } from '../random.js';
import { canMoveParticles } from '../systems/catalog.js';
import type { EnergySystem } from '../systems/types.js';

export interface ParticleSweeper {
  /** One sweep of chain configuration `x` (modified in place); returns the accepted moves. */
  sweep(x: Float64Array, sigma: number, temperature: number, rng: Rng): number;
  /** Moves per sweep (one per particle). */
  readonly movesPerSweep: number;
}

/**
 * Sweeper for `system`, with an optional bias on whole configurations (umbrella windows). The bias
 * is re-evaluated only after moves of particles the reaction coordinate reads, when it says which.
 */
export function particleSweeper(
  system: EnergySystem,
  bias?: (x: Float64Array, n: number) => Float64Array,
): ParticleSweeper {
  if (!canMoveParticles(system))
    throw new Error(`System "${system.id}" has no per-particle energy: single-particle moves need one`);
  const particleEnergy = system.particleEnergy!.bind(system);
  const particles = system.layout!.particles;
  // Which particles' moves change the bias: those the coordinate reads, or all when it does not say.
  const rcParticles = system.reactionCoordinate.particles;
  const biased = new Uint8Array(particles).fill(bias && !rcParticles ? 1 : 0);
  if (bias && rcParticles) for (const p of rcParticles) biased[p] = 1;
  return {
    movesPerSweep: particles,
    sweep(x, sigma, temperature, rng) {
      let accepted = 0;
      let b = bias ? bias(x, 1)[0] : 0;
      for (let p = 0; p < particles; p++) {
        const ox = x[2 * p];
        const oy = x[2 * p + 1];
        const before = particleEnergy(x, p);
        x[2 * p] = ox + sigma * rng.normal();
        x[2 * p + 1] = oy + sigma * rng.normal();
        const bNew = biased[p] ? bias!(x, 1)[0] : b;
        const dE = particleEnergy(x, p) - before + bNew - b;
        // NaN (overlap, overflow) is rejected like any uphill move that fails.
        if (dE <= 0 || rng.uniform() < Math.exp(-dE / temperature)) {
          accepted++;
          b = bNew;
        } else {
          x[2 * p] = ox;
          x[2 * p + 1] = oy;
        }
      }
      return accepted;
    },
  };
}
