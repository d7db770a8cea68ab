/** Public surface of the science core for main, CLI and workers. */
export { initBackend, activeBackend, tf } from './backend.js';
export * from './flows/index.js';
export {
  createEnergyOp,
  energyOp,
  linLogCut,
  NO_CUT,
  type EnergyCut,
  type EnergyOp,
} from './systems/tfEnergy.js';
export { mlLoss, klLoss, rcEntropyLoss, type KlTerms, type RcHistogram } from './training/losses.js';
export { rcTensor, type RcTensor } from './training/rc.js';
export { Adam, type AdamState } from './training/adam.js';
export { Trainer, type TrainerState, type TrainerOptions, type StepMetrics } from './training/trainer.js';
export { sampleGenerator, type GeneratorOptions } from './sampling/generator.js';
export { executeRun } from './run/execute.js';
export { simulateTrainingData, streamRng } from './run/trainingData.js';
export { CancellationError, throwIfAborted } from './cancel.js';
export {
  encodeCheckpoint,
  restoreCheckpoint,
  loadWeights,
  storedArchitecture,
  checkpointIteration,
  CHECKPOINT_FORMAT,
  CHECKPOINT_FORMAT_VERSION,
} from './run/checkpoint.js';
export type { Checkpoint, ExecuteRun, ProgressEvent, RunHooks, SampleSet } from './run/types.js';
export { Rng, type RngState } from './random.js';
export { createSystem, listSystems } from './systems/catalog.js';
export type { EnergySystem } from './systems/types.js';
