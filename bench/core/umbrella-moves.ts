/**
 * The dimer's Monte Carlo moves, all coordinates at once (the paper's, σ = 0.02·√τ) against sweeps of
 * single-particle moves (σ = 0.1·√τ, system.particleEnergy), from the same start for the same wall
 * time: time per step or sweep, acceptance, and how far the solvent got (mean squared displacement
 * of the tagged solvent particles over 4 chains, as a ratio). Keep the budget short enough that the
 * displacements stay well below the box (6 × 6), where they saturate. The umbrella reference relies
 * on the second relaxing the bath faster (docs/science.md).
 * Usage: node --import tsx bench/core/umbrella-moves.ts [tau=1] [seconds=1]
 */
import { metropolisRun } from '../../src/core/sampling/metropolis.js';
import { Rng } from '../../src/core/random.js';
import { umbrellaStepSize } from '../../src/core/analysis/umbrellaFreeEnergy.js';
import { createSystem } from '../../src/core/systems/catalog.js';
import { describeBackend, initBackend } from '../../src/core/backend.js';

const CHAINS = 4;

interface Measured {
  moves: 'all' | 'particle';
  microseconds: number;
  steps: number;
  acceptance: number;
  msd: number;
}

async function main(): Promise<void> {
  const [tau = 1, seconds = 1] = process.argv.slice(2).map(Number);
  await initBackend();
  const system = createSystem({ id: 'dimer', preset: 'fig3' });
  const start = system.initialConfigurations()[0];
  const particles = system.layout!.particles;

  const run = (moves: 'all' | 'particle', steps: number, seed: number) =>
    metropolisRun(
      system,
      {
        starts: [start],
        chainsPerStart: CHAINS,
        samplesPerStart: CHAINS,
        stride: steps,
        stepSize: umbrellaStepSize(system, moves),
        burnIn: 0,
        temperature: tau,
        moves,
      },
      new Rng(seed),
    );

  const measure = (moves: 'all' | 'particle'): Measured => {
    // Calibrate the step count to the wall-time budget on a short run.
    const t0 = performance.now();
    run(moves, 500, 1);
    const perStep = (performance.now() - t0) / 500;
    const steps = Math.max(100, Math.round((seconds * 1000) / perStep));
    const t1 = performance.now();
    const r = run(moves, steps, 2);
    const elapsed = performance.now() - t1;
    let msd = 0;
    for (const last of r.last) {
      for (let p = 2; p < particles; p++) {
        msd += (last[2 * p] - start[2 * p]) ** 2 + (last[2 * p + 1] - start[2 * p + 1]) ** 2;
      }
    }
    return {
      moves,
      // Per chain: the all-coordinate chains share one batched energy call per step.
      microseconds: (elapsed * 1000) / (steps * CHAINS),
      steps,
      acceptance: r.acceptance,
      msd: msd / (CHAINS * (particles - 2)),
    };
  };

  console.log(`dimer at τ = ${tau}, ${seconds} s per kind of move; ${describeBackend()}`);
  const rows = [measure('all'), measure('particle')];
  for (const m of rows) {
    console.log(
      `${m.moves === 'all' ? 'all coordinates' : 'single particles'}: ${m.microseconds.toFixed(1)} µs per ${m.moves === 'all' ? 'step' : 'sweep'} and chain, ${m.steps} per chain, acceptance ${(100 * m.acceptance).toFixed(0)} %, solvent MSD ${m.msd.toFixed(4)} (length²)`,
    );
  }
  const [all, one] = rows;
  console.log(
    `ratio single-particle / all-coordinate: time per step ${(one.microseconds / all.microseconds).toFixed(2)}, solvent MSD in the same wall time ${(one.msd / all.msd).toFixed(1)}`,
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
