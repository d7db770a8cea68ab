/** NumPy .npy v1.0 (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html). */

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export interface NpyArray {
  data: Float32Array | Float64Array;
  shape: number[];
  /** The dtype as stored, e.g. '<f4', '>f8', '<i8'. Integers are returned as Float64Array. */
  dtype: string;
  /** Set when `keepCompleteRows` dropped a cut-off tail: the bytes the first dropped row needed and had. */
  truncatedRow?: { index: number; expected: number; got: number; declaredRows: number };
}

export interface DecodeNpyOptions {
  /** A C-order array cut off at the end keeps its complete first-axis rows instead of failing. */
  keepCompleteRows?: boolean;
}

export function encodeNpy(data: Float32Array | Float64Array, shape: number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length)
    throw new RangeError(`shape [${shape}] needs ${count} values, got ${data.length}`);
  const descr = data instanceof Float32Array ? '<f4' : '<f8';
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // Pad with spaces so magic + version + length + header + '\n' is a multiple of 64 (numpy's alignment).
  const unpadded = 10 + header.length + 1;
  header = header + ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const body = new DataView(out.buffer, 10 + header.length);
  const bytes = data instanceof Float32Array ? 4 : 8;
  for (let i = 0; i < data.length; i++) {
    if (bytes === 4) body.setFloat32(i * 4, data[i], true);
    else body.setFloat64(i * 8, data[i], true);
  }
  return out;
}

export class NpyFormatError extends Error {
  override readonly name = 'NpyFormatError';
}

function parseHeader(text: string): { descr: string; fortran: boolean; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined)
    throw new NpyFormatError(`malformed .npy header: ${text.slice(0, 120)}`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const n = Number(s.replace(/L$/, ''));
      if (!Number.isSafeInteger(n) || n < 0) throw new NpyFormatError(`bad shape entry '${s}'`);
      return n;
    });
  return { descr, fortran: fortran === 'True', shape };
}

/** Decodes float32/float64 (and int32/int64, returned as float64) arrays of either byte order. */
export function decodeNpy(bytes: Uint8Array, options: DecodeNpyOptions = {}): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b))
    throw new NpyFormatError('not a .npy file (bad magic)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  let headerLength: number;
  let headerStart: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new NpyFormatError('truncated .npy header');
    headerLength = view.getUint32(8, true);
    headerStart = 12;
  } else throw new NpyFormatError(`unsupported .npy version ${major}`);
  if (headerStart + headerLength > bytes.length) throw new NpyFormatError('truncated .npy header');
  const header = parseHeader(
    new TextDecoder('latin1').decode(bytes.subarray(headerStart, headerStart + headerLength)),
  );
  const m = /^([<>|=])([fi])(\d)$/.exec(header.descr);
  if (!m || !['f4', 'f8', 'i4', 'i8'].includes(m[2] + m[3]))
    throw new NpyFormatError(`unsupported dtype ${header.descr} (need float32/float64/int32/int64)`);
  const little = m[1] !== '>';
  const kind = m[2];
  const size = Number(m[3]);
  let count = header.shape.reduce((a, b) => a * b, 1);
  const dataStart = headerStart + headerLength;
  const available = bytes.length - dataStart;
  let truncatedRow: NpyArray['truncatedRow'];
  if (
    options.keepCompleteRows &&
    !header.fortran &&
    header.shape.length > 0 &&
    Number.isSafeInteger(count) &&
    count * size > available
  ) {
    const rowBytes = (count / Math.max(1, header.shape[0])) * size;
    const rows = rowBytes > 0 ? Math.floor(available / rowBytes) : 0;
    truncatedRow = {
      index: rows,
      expected: rowBytes,
      got: available - rows * rowBytes,
      declaredRows: header.shape[0],
    };
    header.shape = [rows, ...header.shape.slice(1)];
    count = header.shape.reduce((a, b) => a * b, 1);
  }
  if (!Number.isSafeInteger(count) || count * size > available)
    throw new NpyFormatError(
      `data is truncated: shape [${header.shape}] needs ${count * size} bytes, file has ${available}`,
    );
  const out = kind === 'f' && size === 4 ? new Float32Array(count) : new Float64Array(count);
  const body = new DataView(bytes.buffer, bytes.byteOffset + dataStart, count * size);
  for (let i = 0; i < count; i++) {
    const o = i * size;
    out[i] =
      kind === 'f'
        ? size === 4
          ? body.getFloat32(o, little)
          : body.getFloat64(o, little)
        : size === 4
          ? body.getInt32(o, little)
          : Number(body.getBigInt64(o, little));
  }
  const data = header.fortran && header.shape.length > 1 ? fromFortranOrder(out, header.shape) : out;
  return truncatedRow
    ? { data, shape: header.shape, dtype: header.descr, truncatedRow }
    : { data, shape: header.shape, dtype: header.descr };
}

/** Column-major to row-major: numpy writes fortran_order=True for transposed arrays. */
function fromFortranOrder<T extends Float32Array | Float64Array>(data: T, shape: number[]): T {
  const out = data.slice() as T;
  const n = shape.length;
  const index = new Array<number>(n).fill(0);
  for (let c = 0; c < data.length; c++) {
    // c walks column-major order: first axis fastest.
    let r = 0;
    for (let k = 0; k < n; k++) r = r * shape[k] + index[k];
    out[r] = data[c];
    for (let k = 0; k < n; k++) {
      if (++index[k] < shape[k]) break;
      index[k] = 0;
    }
  }
  return out;
}
