/**
 * Our engine (src/core) set up as the bench's model: the dimer flow of TOOLCHAIN.md (8 RealNVP
 * blocks, S/T nets 38→200→200→200→38 tanh, batch 1000), a trainer with one ML and one KL stage,
 * and the phases the bench times. It also writes the weights and data the PyTorch reference loads.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend, tf } from '../../src/core/backend.js';
import { createFlow, type Flow } from '../../src/core/flows/flow.js';
import { Rng } from '../../src/core/random.js';
import { sampleGenerator } from '../../src/core/sampling/generator.js';
import { createSystem } from '../../src/core/systems/catalog.js';
import type { EnergySystem } from '../../src/core/systems/types.js';
import { Trainer } from '../../src/core/training/trainer.js';
import { TrainingSpec, type StageSpec } from '../../src/shared/runspec.js';
import { peakRssKb, resetPeakRss } from './stats.js';

export const MODEL = {
  blocks: 8,
  hidden: [200, 200, 200],
  batch: 1000,
  learningRate: 1e-4,
  /** The paper's dimer temperatures for multi-temperature KL. */
  temperatures: [0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4],
  highEnergy: 1e4,
  maxEnergy: 1e10,
};

export interface Timed {
  ms: number;
  peakRssKb: number;
}

function timed(f: () => void): Timed {
  resetPeakRss();
  const t = performance.now();
  f();
  return { ms: performance.now() - t, peakRssKb: peakRssKb() };
}

export class OurEngine {
  readonly system: EnergySystem;
  readonly flow: Flow;
  readonly trainer: Trainer;
  /** Configurations near the two initial states (closed and open dimer): ML data and energy input. */
  readonly data: Float32Array;
  private readonly stages: StageSpec[];
  private readonly rng = new Rng(1);

  private constructor(
    readonly backend: string,
    dataSize: number,
  ) {
    this.system = createSystem({ id: 'dimer', preset: 'fig3' });
    const dim = this.system.dim;
    const arch = { blocks: Array(MODEL.blocks).fill('R'), hidden: MODEL.hidden, activation: 'tanh' as const };
    this.flow = createFlow(arch, dim, this.rng);
    // Output layers start at zero (identity flow); give them small weights so both engines run
    // (and the check compares) a flow that actually transforms.
    for (const { name, variable } of this.flow.variables()) {
      if (!/\.[wb]3$/.test(name)) continue;
      const v = new Float32Array(variable.size);
      for (let i = 0; i < v.length; i++) v[i] = 0.02 * (2 * this.rng.uniform() - 1);
      variable.assign(tf.tensor(v, variable.shape));
    }
    const starts = this.system.initialConfigurations();
    this.data = new Float32Array(dataSize * dim);
    for (let i = 0; i < dataSize; i++) {
      for (let k = 0; k < dim; k++) this.data[i * dim + k] = starts[i % 2]![k]! + 0.03 * this.rng.normal();
    }
    const training = TrainingSpec.parse({
      batchSize: MODEL.batch,
      learningRate: MODEL.learningRate,
      temperatures: MODEL.temperatures,
      stages: [
        { iterations: 1, weights: { ml: 1 } },
        { iterations: 1, weights: { kl: 1 }, highEnergy: MODEL.highEnergy, maxEnergy: MODEL.maxEnergy },
      ],
    });
    this.stages = training.stages;
    this.trainer = new Trainer(this.flow, this.system, training, this.data, this.rng);
  }

  static async create(dataSize: number): Promise<OurEngine> {
    const backend = await initBackend();
    return new OurEngine(backend, dataSize);
  }

  /** weights.json/.bin (names and shapes as src/core) and data.bin, read by torch_reference.py. */
  writeFiles(dir: string): void {
    mkdirSync(dir, { recursive: true });
    const vars = this.flow.variables();
    const header = {
      blocks: MODEL.blocks,
      hidden: MODEL.hidden,
      variables: vars.map(({ name, variable }) => ({ name, shape: variable.shape })),
    };
    const chunks = vars.map(({ variable }) => variable.dataSync() as Float32Array);
    const total = chunks.reduce((s, c) => s + c.length, 0);
    const bin = new Float32Array(total);
    let o = 0;
    for (const c of chunks) {
      bin.set(c, o);
      o += c.length;
    }
    writeFileSync(join(dir, 'weights.json'), JSON.stringify(header));
    writeFileSync(join(dir, 'weights.bin'), new Uint8Array(bin.buffer));
    writeFileSync(
      join(dir, 'data.bin'),
      new Uint8Array(this.data.buffer, this.data.byteOffset, this.data.byteLength),
    );
  }

  mlStep(): Timed {
    return timed(() => this.trainer.step(this.stages[0]!, 0));
  }

  klStep(): Timed {
    return timed(() => this.trainer.step(this.stages[1]!, 1));
  }

  sample(n: number, chunk: number): Timed & { finite: number } {
    let finite = 0;
    const t = timed(() => {
      const s = sampleGenerator(this.flow, this.system, 1, n, { rng: this.rng, chunk });
      for (const lw of s.logWeights) if (Number.isFinite(lw)) finite++;
    });
    return { ...t, finite };
  }

  energyForces(n: number): Timed {
    const x = this.data.subarray(0, n * this.system.dim);
    return timed(() => this.system.energyAndForces(x, n));
  }

  /** Flow forward/inverse and energy/forces of small batches, compared against the reference. */
  probe(z: Float32Array, x: Float32Array, n: number) {
    const f = this.flow.mapValues('forward', z, n);
    const i = this.flow.mapValues('inverse', x, n);
    const fwd = { x: f.y, logDetJ: f.logDetJ };
    const inv = { z: i.y, logDetJ: i.logDetJ };
    const ef = this.system.energyAndForces(x, n);
    return { forward: fwd, inverse: inv, energy: ef.energy, forces: ef.forces };
  }

  dispose(): void {
    this.trainer.dispose();
    this.flow.dispose();
  }
}
