/**
 * Versioned binary serialisation of flow weights. The header names the format, its version and
 * the architecture; loading into a flow of another architecture fails with a clear message.
 * Checkpoints (core/run/checkpoint.ts) reuse the same header fields and loader.
 */
import { tf } from '../backend.js';
import { pack, unpack } from './binary.js';
import type { Flow, FlowArchitecture } from './flow.js';

export const FLOW_FORMAT = 'bgw-flow';
export const FLOW_FORMAT_VERSION = 1;
export const FLOW_MAGIC = 'BGWF';

export interface TensorEntry {
  name: string;
  shape: number[];
}

export interface WeightsHeader {
  architecture: FlowArchitecture;
  tensors: TensorEntry[];
}

interface FlowHeader extends WeightsHeader {
  format: string;
  version: number;
}

/** Header fields and float32 arrays of the flow's weights and fixed tensors, in order. */
export function weightsPayload(flow: Flow): { header: WeightsHeader; arrays: Float32Array[] } {
  const vars = flow.tensors();
  return {
    header: {
      architecture: flow.architecture,
      tensors: vars.map(({ name, variable }) => ({ name, shape: variable.shape })),
    },
    arrays: vars.map(({ variable }) => variable.dataSync() as Float32Array),
  };
}

export function serializeFlow(flow: Flow): Uint8Array {
  const { header, arrays } = weightsPayload(flow);
  const full: FlowHeader = { format: FLOW_FORMAT, version: FLOW_FORMAT_VERSION, ...header };
  return pack(FLOW_MAGIC, full, arrays);
}

/** Architecture stored in serialised weights (to build a matching flow before loading). */
export function readFlowArchitecture(bytes: Uint8Array): FlowArchitecture {
  return checkHeader(unpack<FlowHeader>(FLOW_MAGIC, bytes).header).architecture;
}

function checkHeader(header: FlowHeader): FlowHeader {
  if (header.format !== FLOW_FORMAT) throw new Error(`Unknown weights format "${header.format}"`);
  if (header.version > FLOW_FORMAT_VERSION) {
    throw new Error(
      `Weights format version ${header.version} is newer than this build supports (${FLOW_FORMAT_VERSION})`,
    );
  }
  return header;
}

export function describeArchitecture(a: FlowArchitecture): string {
  const trunk = a.sharedTrunk ? ', shared S/T trunk' : '';
  const base = `dim ${a.dim}, blocks ${a.blocks.join('')}${trunk}, hidden [${a.hidden.join(', ')}], ${a.activation}`;
  return a.whiten ? `${base}, whitened` : base;
}

/**
 * Assign weights from `data` (starting at `offset`) into `flow`; returns the offset after them.
 * Throws when the saved architecture differs from the flow's.
 */
export function assignWeights(flow: Flow, header: WeightsHeader, data: Float32Array, offset = 0): number {
  const want = describeArchitecture(flow.architecture);
  const got = describeArchitecture(header.architecture);
  if (want !== got) {
    throw new Error(
      `Weights were saved for a different flow architecture: saved ${got}; this flow has ${want}`,
    );
  }
  const vars = flow.tensors();
  if (vars.length !== header.tensors.length) {
    throw new Error(`Weights hold ${header.tensors.length} tensors; the flow has ${vars.length}`);
  }
  vars.forEach(({ name, variable }, i) => {
    const t = header.tensors[i];
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (t.name !== name || t.shape.join('x') !== variable.shape.join('x')) {
      throw new Error(`Weights tensor ${t.name} [${t.shape}] does not match ${name} [${variable.shape}]`);
    }
    if (offset + size > data.length) throw new Error('Corrupt weights: data shorter than header says');
    const values = data.slice(offset, offset + size);
    tf.tidy(() => variable.assign(tf.tensor(values, variable.shape, 'float32')));
    offset += size;
  });
  return offset;
}

/** Load serialised weights into `flow` (in place). Throws when the architectures differ. */
export function deserializeFlow(flow: Flow, bytes: Uint8Array): void {
  const { header, data } = unpack<FlowHeader>(FLOW_MAGIC, bytes);
  assignWeights(flow, checkHeader(header), data);
}
