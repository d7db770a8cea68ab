/**
 * Versioned binary serialisation of flow weights. The header names the format, its version and
 * the architecture; loading into a flow of another architecture fails with a clear message.
 */
import { tf } from '../backend.js';
import type { Flow, FlowArchitecture } from './flow.js';
import { pack, unpack } from './binary.js';

export const FLOW_FORMAT = 'bgw-flow';
export const FLOW_FORMAT_VERSION = 1;
const MAGIC = 'BGWF';

interface FlowHeader {
  format: string;
  version: number;
  architecture: FlowArchitecture;
  tensors: { name: string; shape: number[] }[];
}

export function serializeFlow(flow: Flow): Uint8Array {
  const vars = flow.variables();
  const header: FlowHeader = {
    format: FLOW_FORMAT,
    version: FLOW_FORMAT_VERSION,
    architecture: flow.architecture,
    tensors: vars.map(({ name, variable }) => ({ name, shape: variable.shape })),
  };
  return pack(
    MAGIC,
    header,
    vars.map(({ variable }) => variable.dataSync() as Float32Array),
  );
}

/** Architecture stored in serialised weights (to build a matching flow before loading). */
export function readFlowArchitecture(bytes: Uint8Array): FlowArchitecture {
  return checkHeader(unpack<FlowHeader>(MAGIC, bytes).header).architecture;
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

function describe(a: FlowArchitecture): string {
  return `dim ${a.dim}, blocks ${a.blocks.join('')}, hidden [${a.hidden.join(', ')}], ${a.activation}`;
}

/** Load serialised weights into `flow` (in place). Throws when the architectures differ. */
export function deserializeFlow(flow: Flow, bytes: Uint8Array): void {
  const { header: raw, data } = unpack<FlowHeader>(MAGIC, bytes);
  const header = checkHeader(raw);
  const want = flow.architecture;
  const got = header.architecture;
  if (describe(want) !== describe(got)) {
    throw new Error(
      `Weights were saved for a different flow architecture: saved ${describe(got)}; this flow has ${describe(want)}`,
    );
  }
  const vars = flow.variables();
  if (vars.length !== header.tensors.length) {
    throw new Error(`Weights hold ${header.tensors.length} tensors; the flow has ${vars.length}`);
  }
  let offset = 0;
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
}
