/**
 * Annealing on one thread against the worker-thread pool the app uses (main/workers/annealPool):
 * the paper-dimer preset's network and annealing settings (Langevin moves, resampling, 4 populations,
 * canonical sector) on jittered dimer configurations, `levels` levels × `walkers` walkers. Prints
 * both wall times, their ratio, and whether the samples agree bit for bit (they must).
 * Usage: node --import tsx bench/core/anneal-threads.ts [levels=100] [walkers=2000] [workers=cores]
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { describeBackend, initBackend } from '../../src/core/backend.js';
import { createFlow } from '../../src/core/flows/flow.js';
import { Rng } from '../../src/core/random.js';
import { encodeCheckpoint } from '../../src/core/run/checkpoint.js';
import { canonicalSector } from '../../src/core/run/trainingData.js';
import { annealSamples, type AnnealOptions } from '../../src/core/sampling/annealed.js';
import { createSystem } from '../../src/core/systems/catalog.js';
import { Trainer } from '../../src/core/training/trainer.js';
import { annealInWorkers } from '../../src/main/workers/annealPool.js';
import { RunSpec } from '../../src/shared/runspec.js';

async function main(): Promise<void> {
  const [levels = 100, walkers = 2000, workers = availableParallelism()] = process.argv.slice(2).map(Number);
  await initBackend();
  const spec = RunSpec.parse(
    JSON.parse(readFileSync(new URL('../../resources/presets/paper-dimer.json', import.meta.url), 'utf8')),
  );
  const system = createSystem(spec.system);
  const dim = system.dim;
  const rng = new Rng(1);
  const flow = createFlow(spec.flow, dim, rng);
  // Jittered initial configurations (both states) stand in for generator samples: the time per
  // level does not depend on how good the flow is.
  const starts = system.initialConfigurations();
  const x = new Float32Array(walkers * dim);
  for (let i = 0; i < walkers; i++)
    for (let k = 0; k < dim; k++) x[i * dim + k] = starts[i % starts.length][k] + 0.03 * rng.normal();
  flow.fitWhitening(x, walkers);
  const { y: z, logDetJ } = flow.mapValues('inverse', x, walkers);
  const energy = system.energy(x, walkers);
  const start = {
    temperature: 1,
    n: walkers,
    dim,
    z,
    x,
    energy,
    logWeights: Float64Array.from(energy, (u, i) => -u - logDetJ[i]),
    islands: null,
  };
  const trainer = new Trainer(flow, system, spec.training, x, new Rng(2));
  const weights = encodeCheckpoint(flow, trainer.state());
  trainer.dispose();
  const options = (): AnnealOptions => ({
    ...spec.sampling.anneal!,
    levels,
    walkersPerState: Infinity,
    inRegion: canonicalSector(spec, system) ?? undefined,
    rng: new Rng(3),
  });

  const time = async (o: AnnealOptions) => {
    const t0 = performance.now();
    const r = await annealSamples(flow, system, start, o);
    return { seconds: (performance.now() - t0) / 1000, r };
  };
  console.log(
    `backend ${describeBackend()}; ${levels} levels × ${walkers} dimer walkers, ${options().islands} populations`,
  );
  const one = await time(options());
  console.log(`one thread:        ${one.seconds.toFixed(1)} s`);
  const pool = await time({
    ...options(),
    runPopulations: annealInWorkers(workers, 0)({ spec, weights, canonical: true }),
  });
  console.log(`${workers} worker threads: ${pool.seconds.toFixed(1)} s (includes starting them)`);
  const same =
    pool.r.samples.logWeights.every((v, i) => Object.is(v, one.r.samples.logWeights[i])) &&
    pool.r.samples.x.every((v, i) => Object.is(v, one.r.samples.x[i]));
  console.log(`speed-up ${(one.seconds / pool.seconds).toFixed(2)}×; samples identical: ${same}`);
  flow.dispose();
  if (!same) process.exitCode = 1;
}

await main();
