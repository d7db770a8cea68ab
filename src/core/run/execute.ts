/**
 * Runs one RunSpec end to end: system → training data → flow → staged training (metrics and
 * checkpoints through hooks) → sampling at each temperature → reweighted analysis → RunResult.
 * Separate Rng streams per phase (derived from the seed) make a resumed run reproduce an
 * uninterrupted one exactly: data and sampling never depend on where training stopped.
 */
import {
  RunSpec,
  analysisTemperatures,
  type MetricsRow,
  type StageSpec,
  type TemperatureResult,
} from '../../shared/runspec.js';
import { ess } from '../analysis/ess.js';
import { deltaF, freeEnergyProfile } from '../analysis/freeEnergy.js';
import { describeBackend, initBackend } from '../backend.js';
import { createFlow } from '../flows/flow.js';
import { annealSamples } from '../sampling/annealed.js';
import { sampleGenerator } from '../sampling/generator.js';
import { poolSamples, pooledLogWeights } from '../sampling/mixture.js';
import { createSystem } from '../systems/catalog.js';
import type { EnergySystem } from '../systems/types.js';
import { mlLossOf } from '../training/losses.js';
import { Trainer } from '../training/trainer.js';
import { throwIfAborted, yieldToEventLoop } from '../cancel.js';
import { encodeCheckpoint, loadWeights, restoreCheckpoint } from './checkpoint.js';
import { canonicalSector, simulateTrainingData, STREAM, streamRng } from './trainingData.js';
import type { ExecuteRun, RunHooks, SampleSet } from './types.js';

/** Rows are handed to onMetrics in batches at most this many iterations or seconds apart. */
const METRICS_BATCH = 20;
const METRICS_SECONDS = 1;

function trainingData(spec: RunSpec, system: EnergySystem, hooks: RunHooks): Float32Array | null {
  const needed = spec.training.stages.some((s) => s.weights.ml > 0 && s.iterations > 0);
  if (spec.data.source === 'dataset') {
    if (!hooks.data) {
      if (needed) throw new Error(`Run needs dataset "${spec.data.datasetId}" but the caller passed no data`);
      return null;
    }
    if (hooks.data.length % system.dim !== 0) {
      throw new Error(
        `Dataset has ${hooks.data.length} values, not a multiple of the system's ${system.dim} dimensions`,
      );
    }
    return hooks.data;
  }
  if (!needed) return null;
  return simulateTrainingData(spec, system, {
    signal: hooks.signal,
    onProgress: (fraction) =>
      hooks.onProgress?.({ phase: 'data', fraction, message: 'Metropolis Monte Carlo for training data' }),
  });
}

/**
 * Training frames and held-out frames (training.validation). Metropolis data: independent chains
 * of the same recipe from the validation stream, so the training frames are exactly those of a run
 * without validation. A dataset: its last frames, held back from training.
 */
function splitValidation(
  spec: RunSpec,
  system: EnergySystem,
  data: Float32Array | null,
  hooks: RunHooks,
): { train: Float32Array | null; heldOut: Float32Array | null } {
  const v = spec.training.validation;
  if (!v || !data) return { train: data, heldOut: null };
  if (spec.data.source === 'metropolis') {
    const heldOut = simulateTrainingData(spec, system, {
      samplesPerStart: v.frames,
      stream: STREAM.validation,
      signal: hooks.signal,
    });
    return { train: data, heldOut };
  }
  const n = data.length / system.dim;
  if (v.frames >= n) {
    throw new Error(`training.validation.frames (${v.frames}) must be below the dataset's ${n} frames`);
  }
  const cut = (n - v.frames) * system.dim;
  return { train: data.subarray(0, cut), heldOut: data.subarray(cut) };
}

/** Stage index and stage of a global iteration. */
function stageAt(stages: StageSpec[], iteration: number): number {
  let end = 0;
  for (let s = 0; s < stages.length; s++) {
    end += stages[s].iterations;
    if (iteration < end) return s;
  }
  return stages.length - 1;
}

export const executeRun: ExecuteRun = async (input, hooks = {}) => {
  const spec = RunSpec.parse(input);
  const started = performance.now();
  const seconds = (): number => (performance.now() - started) / 1000;
  await initBackend();
  const backend = describeBackend();
  const system = createSystem(spec.system);
  const signal = hooks.signal;

  throwIfAborted(signal);
  hooks.onProgress?.({ phase: 'data', fraction: 0, message: 'Preparing training data' });
  const { train: data, heldOut } = splitValidation(spec, system, trainingData(spec, system, hooks), hooks);
  hooks.onProgress?.({
    phase: 'data',
    fraction: 1,
    message: data ? `${data.length / system.dim} training frames` : 'No training data needed',
  });
  throwIfAborted(signal);

  const flow = createFlow(spec.flow, system.dim, streamRng(spec.seed, STREAM.init));
  // Resumed or fine-tuned runs overwrite this with the stored whitening below.
  if (spec.flow.whiten && data) flow.fitWhitening(data, data.length / system.dim);
  const trainer = new Trainer(flow, system, spec.training, data, streamRng(spec.seed, STREAM.train));
  try {
    if (hooks.resume) trainer.setState(restoreCheckpoint(flow, hooks.resume.bytes));
    else if (hooks.initWeights) loadWeights(flow, hooks.initWeights);

    const stages = spec.training.stages;
    const total = stages.reduce((s, st) => s + st.iterations, 0);
    const every = spec.training.checkpointEvery;
    let rows: MetricsRow[] = [];
    let lastFlush = seconds();
    let lastCheckpoint = trainer.iteration;
    const flush = (): void => {
      if (rows.length) hooks.onMetrics?.(rows);
      rows = [];
      lastFlush = seconds();
    };
    const checkpoint = async (): Promise<void> => {
      flush();
      lastCheckpoint = trainer.iteration;
      await hooks.onCheckpoint?.({
        iteration: trainer.iteration,
        bytes: encodeCheckpoint(flow, trainer.state()),
      });
    };

    const validateEvery = spec.training.validation?.every ?? every;
    while (trainer.iteration < total) {
      throwIfAborted(signal);
      const s = stageAt(stages, trainer.iteration);
      const m = trainer.step(stages[s], s);
      // After the step, like the checkpoint: the held-out loss of the weights saved with it.
      const validate = heldOut && (trainer.iteration % validateEvery === 0 || trainer.iteration === total);
      rows.push({ ...m, ...(validate && { mlValidation: mlLossOf(flow, heldOut) }), time: seconds() });
      if (rows.length >= METRICS_BATCH || seconds() - lastFlush >= METRICS_SECONDS) flush();
      if (trainer.iteration % every === 0) await checkpoint();
      if (trainer.iteration % 10 === 0 || trainer.iteration === total) {
        hooks.onProgress?.({
          phase: 'training',
          fraction: trainer.iteration / total,
          message: `Iteration ${trainer.iteration}/${total} (stage ${s + 1}/${stages.length})`,
        });
      }
      await yieldToEventLoop();
    }
    // Always end training with a checkpoint (unless the resumed one already is the end).
    if (lastCheckpoint !== trainer.iteration || (total === 0 && !hooks.resume)) await checkpoint();
    flush();

    const sampleRng = streamRng(spec.seed, STREAM.sample);
    const analysisRng = streamRng(spec.seed, STREAM.analysis);
    const range = spec.analysis.range ?? system.reactionCoordinate.range;
    const temps = spec.sampling.temperatures;
    const mixture = spec.analysis.reweighting === 'mixture';
    const analyse = (
      tau: number,
      rc: Float64Array,
      logWeights: Float64Array,
      blocks: Int32Array | null = null,
    ): TemperatureResult => {
      const e = ess(logWeights);
      return {
        temperature: tau,
        n: rc.length,
        ess: e,
        essFraction: e / rc.length,
        deltaF: deltaF(rc, logWeights, system.states, tau, spec.analysis.bootstrap, analysisRng, blocks),
        profile: freeEnergyProfile(rc, logWeights, {
          blocks,
          bins: spec.analysis.bins,
          range,
          temperature: tau,
          bootstrap: spec.analysis.bootstrap,
          rng: analysisRng,
        }),
      };
    };
    const temperatures: TemperatureResult[] = [];
    // Mixture reweighting needs every temperature's samples first; keep only what it uses.
    const pooled: { set: SampleSet; rc: Float64Array }[] = [];
    const anneal = spec.sampling.anneal;
    const inRegion = (anneal?.canonical && canonicalSector(spec, system)) || undefined;
    // The trained flow is the same at every temperature: encode it for other threads once.
    const runPopulations =
      anneal &&
      hooks.annealRunner?.({
        spec,
        weights: encodeCheckpoint(flow, trainer.state()),
        canonical: inRegion !== undefined,
      });
    for (let t = 0; t < temps.length; t++) {
      throwIfAborted(signal);
      const tau = temps[t];
      // With annealing, drawing is cheap next to the levels × moves flow passes that follow.
      const drawShare = anneal ? 1 / (1 + anneal.levels * anneal.moves) : 1;
      const progress = (f: number, message: string): void =>
        hooks.onProgress?.({ phase: 'sampling', fraction: (t + f) / temps.length, message });
      let samples = sampleGenerator(flow, system, tau, spec.sampling.n, {
        chunk: spec.sampling.chunk,
        rng: sampleRng,
        onProgress: (f) => progress(f * drawShare, `Sampling at τ = ${tau}`),
      });
      let annealed: TemperatureResult['anneal'];
      if (anneal) {
        const rc0 = system.reactionCoordinate.compute(samples.x, samples.n);
        const oneJump = {
          ess: ess(samples.logWeights),
          deltaF: deltaF(rc0, samples.logWeights, system.states, tau, spec.analysis.bootstrap, analysisRng),
        };
        const hotter = anneal.startTemperatureFactor ?? 1;
        const start =
          hotter === 1
            ? samples
            : sampleGenerator(flow, system, tau * hotter, spec.sampling.n, {
                chunk: spec.sampling.chunk,
                rng: sampleRng,
              });
        const result = await annealSamples(flow, system, start, {
          ...anneal,
          temperature: tau,
          inRegion,
          runPopulations,
          chunk: spec.sampling.chunk,
          rng: sampleRng,
          signal,
          onProgress: (f) =>
            progress(drawShare + f * (1 - drawShare), `Annealing τ = ${tau} (${anneal.levels} levels)`),
        });
        samples = result.samples;
        annealed = { acceptance: result.acceptance, oneJump };
      }
      await hooks.onSamples?.(samples);
      const rc = system.reactionCoordinate.compute(samples.x, samples.n);
      if (mixture) {
        pooled.push({ set: { ...samples, x: new Float32Array(0) }, rc });
      } else if (analysisTemperatures(spec).includes(tau)) {
        hooks.onProgress?.({
          phase: 'analysis',
          fraction: t / temps.length,
          message: `Analysing τ = ${tau}`,
        });
        temperatures.push({
          ...analyse(tau, rc, samples.logWeights, samples.islands),
          ...(annealed && { anneal: annealed }),
        });
      }
      await yieldToEventLoop();
    }
    if (mixture) {
      const pool = poolSamples(pooled.map((p) => p.set));
      const rc = new Float64Array(pool.n);
      let offset = 0;
      for (const p of pooled) {
        rc.set(p.rc, offset);
        offset += p.rc.length;
      }
      const targets = analysisTemperatures(spec);
      for (let t = 0; t < targets.length; t++) {
        throwIfAborted(signal);
        hooks.onProgress?.({
          phase: 'analysis',
          fraction: t / targets.length,
          message: `Analysing τ = ${targets[t]} (all temperatures' samples)`,
        });
        temperatures.push(analyse(targets[t], rc, pooledLogWeights(pool, targets[t])));
        await yieldToEventLoop();
      }
    }
    hooks.onProgress?.({ phase: 'analysis', fraction: 1, message: 'Done' });
    return {
      spec,
      backend,
      wallTimeSeconds: seconds(),
      iterations: trainer.iteration,
      skippedSteps: trainer.skipped,
      temperatures,
    };
  } finally {
    trainer.dispose();
    flow.dispose();
  }
};
