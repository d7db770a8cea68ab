/**
 * One training iteration at a time: draw a batch, compute the staged loss
 * w_ML·ML + w_KL·KL + w_RC·RC, clip, guard against NaN/Inf, and take an Adam step. All randomness
 * comes from one Rng so the trainer's state (weights, Adam, Rng, counters) restores exactly.
 */
import type { MetricsRow, StageSpec, TrainingSpec } from '../../shared/runspec.js';
import { ess } from '../analysis/ess.js';
import { tf } from '../backend.js';
import type { Flow } from '../flows/flow.js';
import { Rng, type RngState } from '../random.js';
import { createEnergyOp, type EnergyOp } from '../systems/tfEnergy.js';
import type { EnergySystem } from '../systems/types.js';
import { Adam, type AdamState } from './adam.js';
import { klLoss, mlLoss, rcEntropyLoss } from './losses.js';
import { rcTensor, type RcTensor } from './rc.js';

export interface TrainerState {
  iteration: number;
  skipped: number;
  rng: RngState;
  adam: AdamState;
}

export interface TrainerOptions {
  /** Consecutive non-finite steps after which the last good weights are restored (default 3). */
  maxConsecutiveFailures?: number;
  /** Good steps between snapshots of the weights kept for that restore (default 10). */
  snapshotEvery?: number;
}

export type StepMetrics = Omit<MetricsRow, 'time'>;

export class Trainer {
  /** Iterations done over all stages (skipped ones included). */
  iteration = 0;
  /** Steps skipped because the loss or gradient was not finite. */
  skipped = 0;
  /** Times the last good weights were restored. */
  restores = 0;
  private consecutiveFailures = 0;
  private goodSteps = 0;
  private rng: Rng;
  private readonly adam: Adam;
  private readonly vars: tf.Variable[];
  private snapshot: tf.Tensor[];
  private readonly energyOps = new Map<string, EnergyOp>();
  private readonly rc: RcTensor | null;
  private readonly maxFailures: number;
  private readonly snapshotEvery: number;

  constructor(
    private readonly flow: Flow,
    private readonly system: EnergySystem,
    private readonly training: TrainingSpec,
    private readonly data: Float32Array | null,
    rng: Rng,
    options: TrainerOptions = {},
  ) {
    const needsRc = training.stages.some((s) => s.weights.rc > 0 && s.iterations > 0);
    if (needsRc && !training.rc) {
      throw new Error('A stage has an RC loss weight but training.rc (histogram min, max, bins) is missing');
    }
    this.rng = rng;
    this.vars = flow.variables().map((v) => v.variable);
    this.adam = new Adam(this.vars);
    this.snapshot = this.vars.map((v) => tf.keep(tf.clone(v)));
    this.rc = needsRc ? rcTensor(system) : null;
    this.maxFailures = options.maxConsecutiveFailures ?? 3;
    this.snapshotEvery = options.snapshotEvery ?? 10;
  }

  private energyFor(stage: StageSpec): EnergyOp {
    const key = `${stage.highEnergy}/${stage.maxEnergy}`;
    let op = this.energyOps.get(key);
    if (!op) {
      op = createEnergyOp(this.system, { highEnergy: stage.highEnergy, maxEnergy: stage.maxEnergy });
      this.energyOps.set(key, op);
    }
    return op;
  }

  private mlBatch(size: number): Float32Array {
    const data = this.data;
    if (!data || data.length === 0) throw new Error('ML loss needs training data, but there is none');
    const dim = this.flow.dim;
    const n = data.length / dim;
    const out = new Float32Array(size * dim);
    for (let i = 0; i < size; i++) {
      const j = this.rng.int(n);
      out.set(data.subarray(j * dim, (j + 1) * dim), i * dim);
    }
    return out;
  }

  /** Latent batch spread over the training temperatures: z_i ~ N(0, τ_i I). */
  private latentBatch(size: number): { z: Float32Array; tau: Float32Array } {
    const dim = this.flow.dim;
    const temps = this.training.temperatures;
    const z = new Float32Array(size * dim);
    const tau = new Float32Array(size);
    for (let i = 0; i < size; i++) {
      tau[i] = temps[i % temps.length];
      const s = Math.sqrt(tau[i]);
      for (let k = 0; k < dim; k++) z[i * dim + k] = this.rng.normal() * s;
    }
    return { z, tau };
  }

  /** One iteration of `stage` (index `stageIndex`). */
  step(stage: StageSpec, stageIndex: number): StepMetrics {
    const batch = stage.batchSize ?? this.training.batchSize;
    const lr = stage.learningRate ?? this.training.learningRate;
    const w = stage.weights;
    const useRc = w.rc > 0 && this.rc !== null && this.training.rc !== undefined;
    const useGen = w.kl > 0 || useRc;
    const dim = this.flow.dim;
    const xData = w.ml > 0 ? this.mlBatch(batch) : null;
    const latent = useGen ? this.latentBatch(batch) : null;
    const energy = this.energyFor(stage);

    const parts: { ml?: tf.Scalar; kl?: tf.Scalar; rc?: tf.Scalar; logDetJ?: tf.Tensor1D } = {};
    const { value, grads } = tf.variableGrads(() => {
      let total = tf.scalar(0);
      if (xData) {
        parts.ml = tf.keep(mlLoss(this.flow, tf.tensor2d(xData, [batch, dim])));
        total = tf.add(total, tf.mul(parts.ml, w.ml));
      }
      if (latent) {
        const z = tf.tensor2d(latent.z, [batch, dim]);
        if (w.kl > 0) {
          const invT = tf.div(1, tf.tensor1d(latent.tau)) as tf.Tensor1D;
          const kl = klLoss(this.flow, energy.op, z, invT);
          parts.kl = tf.keep(kl.loss);
          parts.logDetJ = tf.keep(kl.logDetJ);
          total = tf.add(total, tf.mul(kl.loss, w.kl));
          if (useRc) parts.rc = tf.keep(rcEntropyLoss(this.rc!(kl.x), this.training.rc!));
        } else {
          parts.rc = tf.keep(rcEntropyLoss(this.rc!(this.flow.forward(z).y), this.training.rc!));
        }
        if (parts.rc) total = tf.add(total, tf.mul(parts.rc, w.rc));
      }
      return total as tf.Scalar;
    }, this.vars);

    const gradList = this.vars.map((v) => grads[v.name] ?? tf.zerosLike(v));
    const gradNorm = Adam.globalNorm(gradList);
    const loss = value.dataSync()[0];
    const read = (t?: tf.Scalar): number | null => (t ? t.dataSync()[0] : null);
    const metrics: StepMetrics = {
      iteration: this.iteration,
      stage: stageIndex,
      loss,
      ml: read(parts.ml),
      kl: read(parts.kl),
      rc: read(parts.rc),
      gradNorm,
      essFraction: null,
      skipped: 0,
    };
    if (parts.logDetJ && latent) metrics.essFraction = this.batchEss(latent, parts.logDetJ, energy);

    if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) {
      this.skipped++;
      this.consecutiveFailures++;
      if (this.consecutiveFailures >= this.maxFailures) this.restore();
    } else {
      this.consecutiveFailures = 0;
      const clip = this.training.clipGradNorm;
      const scale = clip !== undefined && gradNorm > clip ? clip / gradNorm : 1;
      this.adam.apply(gradList, lr, scale);
      if (++this.goodSteps % this.snapshotEvery === 0) this.takeSnapshot();
    }
    metrics.skipped = this.skipped;
    tf.dispose([value, ...gradList, ...Object.values(grads)]);
    tf.dispose(Object.values(parts));
    this.iteration++;
    return metrics;
  }

  /** Kish ESS fraction of the batch samples drawn at the training temperature closest to τ = 1. */
  private batchEss(
    latent: { z: Float32Array; tau: Float32Array },
    logDetJ: tf.Tensor1D,
    energy: EnergyOp,
  ): number | null {
    const u = energy.lastEnergy();
    if (!u) return null;
    const ld = logDetJ.dataSync();
    const dim = this.flow.dim;
    const temps = this.training.temperatures;
    const target = temps.reduce((best, t) => (Math.abs(Math.log(t)) < Math.abs(Math.log(best)) ? t : best));
    const logW: number[] = [];
    for (let i = 0; i < latent.tau.length; i++) {
      if (latent.tau[i] !== Math.fround(target)) continue;
      let z2 = 0;
      for (let k = 0; k < dim; k++) z2 += latent.z[i * dim + k] ** 2;
      logW.push(-u[i] / target + z2 / (2 * target) + ld[i]);
    }
    if (logW.length === 0 || logW.some((v) => !Number.isFinite(v))) return logW.length ? 0 : null;
    return ess(logW) / logW.length;
  }

  private takeSnapshot(): void {
    tf.dispose(this.snapshot);
    this.snapshot = this.vars.map((v) => tf.keep(tf.clone(v)));
  }

  /** Back to the last good weights with fresh optimizer moments. */
  private restore(): void {
    this.vars.forEach((v, i) => v.assign(this.snapshot[i]));
    this.adam.reset();
    this.consecutiveFailures = 0;
    this.restores++;
  }

  state(): TrainerState {
    return {
      iteration: this.iteration,
      skipped: this.skipped,
      rng: this.rng.state(),
      adam: this.adam.state(),
    };
  }

  setState(s: TrainerState): void {
    this.iteration = s.iteration;
    this.skipped = s.skipped;
    this.rng = Rng.fromState(s.rng);
    this.adam.setState(s.adam);
    this.takeSnapshot();
  }

  dispose(): void {
    this.adam.dispose();
    tf.dispose(this.snapshot);
    this.rc?.dispose();
  }
}
