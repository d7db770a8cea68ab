import { beforeAll, describe, expect, it } from 'vitest';
import { TrainingSpec, type FlowSpec } from '../../../src/shared/runspec.js';
import { initBackend, tf } from '../../../src/core/backend.js';
import { createFlow, type Flow } from '../../../src/core/flows/index.js';
import { Rng } from '../../../src/core/random.js';
import { sampleGenerator } from '../../../src/core/sampling/generator.js';
import { metropolis } from '../../../src/core/sampling/metropolis.js';
import { createSystem } from '../../../src/core/systems/catalog.js';
import type { EnergySystem } from '../../../src/core/systems/types.js';
import { Trainer } from '../../../src/core/training/trainer.js';

beforeAll(async () => {
  await initBackend();
});

const smallFlow: FlowSpec = { blocks: ['R', 'R', 'R', 'R'], hidden: [32, 32], activation: 'tanh' };
const doubleWell = createSystem({ id: 'double-well' });

function wellData(rng: Rng): Float32Array {
  return metropolis(
    doubleWell,
    {
      starts: doubleWell.initialConfigurations(),
      samplesPerStart: 500,
      stride: 10,
      stepSize: 0.1,
      burnIn: 100,
      temperature: 1,
    },
    rng,
  );
}

function weightsOf(flow: Flow): Float32Array[] {
  return flow.variables().map((v) => (v.variable.dataSync() as Float32Array).slice());
}

/** Fraction of unweighted generator samples at τ = 1 in the right well (x₁ > 0). */
function rightFraction(flow: Flow, rng: Rng): number {
  const s = sampleGenerator(flow, doubleWell, 1, 4000, { rng, chunk: 4000 });
  let right = 0;
  for (let i = 0; i < s.n; i++) if (s.x[2 * i] > 0) right++;
  return right / s.n;
}

function train(weights: { ml?: number; kl?: number }, iterations: number, seed: number): Flow {
  const rng = new Rng(seed);
  const flow = createFlow(smallFlow, 2, rng);
  const training = TrainingSpec.parse({
    batchSize: 256,
    learningRate: 3e-3,
    stages: [{ iterations, weights, highEnergy: 1000 }],
  });
  const trainer = new Trainer(flow, doubleWell, training, wellData(rng), rng);
  for (let i = 0; i < iterations; i++) trainer.step(training.stages[0], 0);
  trainer.dispose();
  return flow;
}

describe('Trainer on the double well (paper Fig. 2)', () => {
  it('KL alone collapses into one well while ML + KL keeps both', () => {
    const kl = train({ kl: 1 }, 250, 11);
    const both = train({ ml: 1, kl: 1 }, 250, 11);
    const fKl = rightFraction(kl, new Rng(1));
    const fBoth = rightFraction(both, new Rng(1));
    // Boltzmann weight of the right well at τ = 1 is ~3 %: both wells must carry samples.
    expect(Math.min(fKl, 1 - fKl)).toBeLessThan(0.003);
    expect(fBoth).toBeGreaterThan(0.01);
    expect(fBoth).toBeLessThan(0.99);
    kl.dispose();
    both.dispose();
  });
});

describe('Trainer safety', () => {
  it('skips non-finite steps, then restores the last good weights', () => {
    let poison = false;
    const base = doubleWell;
    const nanOnDemand: EnergySystem = {
      ...base,
      id: base.id,
      reactionCoordinate: base.reactionCoordinate,
      states: base.states,
      energy: (x, n) => base.energy(x, n),
      energyAndForces: (x, n) => {
        const out = base.energyAndForces(x, n);
        if (poison) out.forces[0] = NaN;
        return out;
      },
      initialConfigurations: () => base.initialConfigurations(),
    };
    const rng = new Rng(3);
    const flow = createFlow(smallFlow, 2, rng);
    const training = TrainingSpec.parse({
      batchSize: 64,
      learningRate: 1e-3,
      stages: [{ iterations: 30, weights: { kl: 1 } }],
    });
    const trainer = new Trainer(flow, nanOnDemand, training, null, rng, {
      maxConsecutiveFailures: 3,
      snapshotEvery: 5,
    });
    const stage = training.stages[0];
    for (let i = 0; i < 7; i++) trainer.step(stage, 0);
    const good = weightsOf(flow); // snapshot was taken after good step 5; steps 6 and 7 moved on
    poison = true;
    const m1 = trainer.step(stage, 0);
    expect(m1.skipped).toBe(1);
    expect(Number.isFinite(m1.gradNorm)).toBe(false);
    expect(weightsOf(flow)).toEqual(good); // a skipped step changes nothing
    trainer.step(stage, 0);
    trainer.step(stage, 0); // third failure in a row: restore the snapshot of step 5
    expect(trainer.skipped).toBe(3);
    expect(trainer.restores).toBe(1);
    expect(weightsOf(flow)).not.toEqual(good);
    poison = false;
    const m4 = trainer.step(stage, 0);
    expect(m4.skipped).toBe(3);
    expect(Number.isFinite(m4.loss)).toBe(true);
    expect(trainer.iteration).toBe(11);
    trainer.dispose();
    flow.dispose();
  });

  it('refuses an RC loss weight without an RC histogram', () => {
    const rng = new Rng(8);
    const flow = createFlow(smallFlow, 2, rng);
    const training = TrainingSpec.parse({
      batchSize: 8,
      learningRate: 1e-3,
      stages: [{ iterations: 1, weights: { kl: 1, rc: 1 } }],
    });
    expect(() => new Trainer(flow, doubleWell, training, null, rng)).toThrow(/training\.rc/);
    flow.dispose();
  });

  it('leaks no tensors across iterations (ML + KL + RC)', () => {
    const rng = new Rng(4);
    const flow = createFlow({ blocks: ['R', 'N', 'S', 'R'], hidden: [16], activation: 'tanh' }, 2, rng);
    const training = TrainingSpec.parse({
      batchSize: 64,
      learningRate: 1e-3,
      temperatures: [0.5, 1, 2],
      rc: { min: -3, max: 3, bins: 20 },
      clipGradNorm: 1,
      stages: [{ iterations: 1001, weights: { ml: 1, kl: 1, rc: 1 }, highEnergy: 100 }],
    });
    const trainer = new Trainer(flow, doubleWell, training, wellData(rng), rng, { snapshotEvery: 3 });
    const stage = training.stages[0];
    trainer.step(stage, 0);
    const before = tf.memory().numTensors;
    // 1000 iterations (issue: tensor count flat over 1000), snapshots and restores included.
    for (let i = 0; i < 1000; i++) {
      const m = trainer.step(stage, 0);
      expect(m.ml).not.toBeNull();
      expect(m.kl).not.toBeNull();
      expect(m.rc).not.toBeNull();
      expect(m.essFraction).toBeGreaterThan(0);
    }
    expect(tf.memory().numTensors).toBe(before);
    trainer.dispose();
    flow.dispose();
  });
});
