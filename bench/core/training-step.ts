/**
 * Times the paper's dimer network (76 dims, 8 RealNVP blocks, S/T nets 3×200 tanh) at batch 1000:
 * one ML step, one KL step (multi-temperature, lin-log cut) and sampling, on the active backend.
 * Usage: node --import tsx bench/core/training-step.ts [steps=3] [--shared-trunk]
 * (--shared-trunk: S and T of each block share one network, flow.sharedTrunk; not the paper's model)
 * Compare with TOOLCHAIN.md (wasm, explicit-transpose dense: ML 567 ms, KL 695 ms per step).
 */
import { TrainingSpec } from '../../src/shared/runspec.js';
import { initBackend, tf } from '../../src/core/backend.js';
import { createFlow } from '../../src/core/flows/flow.js';
import { Rng } from '../../src/core/random.js';
import { sampleGenerator } from '../../src/core/sampling/generator.js';
import { createSystem } from '../../src/core/systems/catalog.js';
import { Trainer } from '../../src/core/training/trainer.js';

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  const steps = Number(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 3);
  const sharedTrunk = process.argv.includes('--shared-trunk');
  const backend = await initBackend();
  const system = createSystem({ id: 'dimer', preset: 'fig3' });
  const rng = new Rng(1);
  const flow = createFlow(
    { blocks: Array(8).fill('R'), hidden: [200, 200, 200], activation: 'tanh', sharedTrunk },
    76,
    rng,
  );
  // Jittered initial configurations stand in for MD data: step time does not depend on them.
  const starts = system.initialConfigurations();
  const data = new Float32Array(2000 * 76);
  for (let i = 0; i < 2000; i++)
    for (let k = 0; k < 76; k++) data[i * 76 + k] = starts[i % 2][k] + 0.02 * rng.normal();
  const training = TrainingSpec.parse({
    batchSize: 1000,
    learningRate: 1e-4,
    temperatures: [0.5, 1, 2],
    stages: [
      { iterations: steps, weights: { ml: 1 } },
      { iterations: steps, weights: { kl: 1 }, highEnergy: 1e4, maxEnergy: 1e10 },
    ],
  });
  const trainer = new Trainer(flow, system, training, data, rng);
  const time = (stage: number): number[] => {
    const out: number[] = [];
    trainer.step(training.stages[stage], stage); // warm-up
    for (let i = 0; i < steps; i++) {
      const t = performance.now();
      trainer.step(training.stages[stage], stage);
      out.push(performance.now() - t);
    }
    return out;
  };
  const ml = time(0);
  const kl = time(1);
  let t = performance.now();
  sampleGenerator(flow, system, 1, 10000, { rng, chunk: 1000 });
  const sample = performance.now() - t;
  t = performance.now();
  system.energy(data, 2000);
  const energy = performance.now() - t;
  console.log(
    JSON.stringify({
      backend,
      sharedTrunk,
      mlStepMs: Math.round(median(ml)),
      klStepMs: Math.round(median(kl)),
      sample10kMs: Math.round(sample),
      energy2kMs: Math.round(energy),
      tensors: tf.memory().numTensors,
      skipped: trainer.skipped,
    }),
  );
  trainer.dispose();
  flow.dispose();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
