/**
 * Versioned checkpoint bytes: flow weights + Adam moments + Rng state + iteration counters, so a
 * resumed run continues bit for bit. Same container as the weights format (core/flows/binary.ts).
 */
import { magicOf, pack, unpack } from '../flows/binary.js';
import type { Flow, FlowArchitecture } from '../flows/flow.js';
import {
  FLOW_MAGIC,
  assignWeights,
  deserializeFlow,
  readFlowArchitecture,
  weightsPayload,
  type WeightsHeader,
} from '../flows/serialize.js';
import type { RngState } from '../random.js';
import type { TrainerState } from '../training/trainer.js';

export const CHECKPOINT_FORMAT = 'bgw-checkpoint';
export const CHECKPOINT_FORMAT_VERSION = 1;
const MAGIC = 'BGWC';

interface CheckpointHeader extends WeightsHeader {
  format: string;
  version: number;
  iteration: number;
  skipped: number;
  rng: RngState;
  adamStep: number;
}

export function encodeCheckpoint(flow: Flow, state: TrainerState): Uint8Array {
  const { header, arrays } = weightsPayload(flow);
  const full: CheckpointHeader = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_FORMAT_VERSION,
    ...header,
    iteration: state.iteration,
    skipped: state.skipped,
    rng: state.rng,
    adamStep: state.adam.step,
  };
  return pack(MAGIC, full, [...arrays, ...state.adam.m, ...state.adam.v]);
}

function read(bytes: Uint8Array): { header: CheckpointHeader; data: Float32Array } {
  const out = unpack<CheckpointHeader>(MAGIC, bytes);
  if (out.header.format !== CHECKPOINT_FORMAT)
    throw new Error(`Unknown checkpoint format "${out.header.format}"`);
  if (out.header.version > CHECKPOINT_FORMAT_VERSION) {
    throw new Error(`Checkpoint version ${out.header.version} is newer than this build supports`);
  }
  return out;
}

/** Load a checkpoint's weights into `flow` and return the trainer state to continue from. */
export function restoreCheckpoint(flow: Flow, bytes: Uint8Array): TrainerState {
  const { header, data } = read(bytes);
  let offset = assignWeights(flow, header, data);
  // Optimizer moments exist for the trainable variables only (not the whitening constants).
  const sizes = flow.variables().map(({ variable }) => variable.size);
  const take = (): Float32Array[] =>
    sizes.map((s) => {
      const a = data.slice(offset, offset + s);
      offset += s;
      return a;
    });
  const m = take();
  const v = take();
  if (offset > data.length) throw new Error('Corrupt checkpoint: optimizer state truncated');
  return {
    iteration: header.iteration,
    skipped: header.skipped,
    rng: header.rng,
    adam: { step: header.adamStep, m, v },
  };
}

/** Load weights from either a checkpoint or plain serialised flow weights (fine-tuning). */
export function loadWeights(flow: Flow, bytes: Uint8Array): void {
  if (magicOf(bytes) === FLOW_MAGIC) deserializeFlow(flow, bytes);
  else {
    const { header, data } = read(bytes);
    assignWeights(flow, header, data);
  }
}

/** Flow architecture stored in a checkpoint or in plain weights. */
export function storedArchitecture(bytes: Uint8Array): FlowArchitecture {
  return magicOf(bytes) === FLOW_MAGIC ? readFlowArchitecture(bytes) : read(bytes).header.architecture;
}

/** Iteration count stored in a checkpoint. */
export function checkpointIteration(bytes: Uint8Array): number {
  return read(bytes).header.iteration;
}
