import { TrajectoryError, truncatedWarning } from '../errors.js';
import { readAll, type ByteSource } from '../source.js';
import type { TrajectoryFrame, TrajectoryReader } from '../types.js';
import { decodeNpy, type NpyArray } from '../writers/npy.js';
import { zipEntries, zipEntryData } from '../zip.js';

/** Array names bgflow, the paper's notebooks and common scripts use for configurations. */
const PREFERRED = [
  'x',
  'xyz',
  'coordinates',
  'positions',
  'pos',
  'samples',
  'traj',
  'trajectory',
  'data',
  'arr_0',
];

/**
 * Frames from an array of shape [frames, atoms*dims], [frames, atoms, dims] or [frames] (1D).
 * `dims` (the target's spatial dimension) decides how a flat row splits into atoms.
 */
export function arrayReader(
  name: string,
  array: NpyArray,
  format: 'npy' | 'npz',
  dimsHint: number | undefined,
  warnings: string[],
): TrajectoryReader {
  const { shape, data } = array;
  const cut = array.truncatedRow;
  if (cut) {
    // A cut inside the last row reads like every other format; a header promising many more rows
    // than the file holds is said as such.
    const missing = cut.declaredRows - cut.index;
    warnings.push(
      missing > 1
        ? `${name}: header declares ${cut.declaredRows} frames, the file holds ${cut.index} complete frames; kept those`
        : truncatedWarning(name, cut.index, cut.expected, cut.got),
    );
  }
  if (shape.length < 1 || shape.length > 3)
    throw new TrajectoryError(
      name,
      `array of shape [${shape}] is not [frames, atoms*dims] or [frames, atoms, dims]`,
      undefined,
      'shape',
    );
  const frames = shape[0];
  let dims: number;
  let atoms: number;
  if (shape.length === 3) {
    dims = shape[2];
    atoms = shape[1];
  } else {
    const row = shape.length === 2 ? shape[1] : 1;
    dims = dimsHint ?? (row % 3 === 0 ? 3 : row % 2 === 0 ? 2 : 1);
    if (row % dims !== 0)
      throw new TrajectoryError(
        name,
        `rows of ${row} values do not split into ${dims}-D atoms`,
        undefined,
        'shape',
      );
    atoms = row / dims;
  }
  const rowLength = atoms * dims;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]))
      throw new TrajectoryError(
        name,
        `value ${data[i]} at atom ${Math.floor((i % rowLength) / dims)} is not finite`,
        Math.floor(i / rowLength),
        'data',
      );
  }
  return {
    format,
    atoms,
    dims,
    frameCount: frames,
    unit: 'reduced',
    warnings,
    streaming: false,
    async *frames(): AsyncGenerator<TrajectoryFrame> {
      for (let index = 0; index < frames; index++) {
        yield { index, coords: Float32Array.from(data.subarray(index * rowLength, (index + 1) * rowLength)) };
      }
    },
  };
}

export async function openNpy(source: ByteSource, dimsHint?: number): Promise<TrajectoryReader> {
  const bytes = await readAll(source);
  let array: NpyArray;
  try {
    array = decodeNpy(bytes, { keepCompleteRows: true });
  } catch (e) {
    throw new TrajectoryError(source.name, (e as Error).message, undefined, 'header');
  }
  return arrayReader(source.name, array, 'npy', dimsHint, []);
}

export async function openNpz(
  source: ByteSource,
  dimsHint?: number,
  arrayName?: string,
): Promise<TrajectoryReader> {
  const bytes = await readAll(source);
  const warnings: string[] = [];
  try {
    const entries = zipEntries(bytes).filter((e) => e.name.endsWith('.npy'));
    if (entries.length === 0) throw new Error('the archive holds no .npy arrays');
    const base = (n: string): string => n.replace(/\.npy$/, '');
    let chosen = arrayName !== undefined ? entries.find((e) => base(e.name) === arrayName) : undefined;
    if (arrayName !== undefined && !chosen)
      throw new Error(`no array named '${arrayName}' (has ${entries.map((e) => base(e.name)).join(', ')})`);
    chosen ??=
      PREFERRED.map((p) => entries.find((e) => base(e.name) === p)).find((e) => e !== undefined) ??
      entries[0];
    if (entries.length > 1)
      warnings.push(
        `${source.name}: read array '${base(chosen.name)}' of ${entries.map((e) => base(e.name)).join(', ')}`,
      );
    // Each array is at most as large as the archive times the deflate limit (1032:1).
    if (chosen.size > bytes.length * 1032 + 1024)
      throw new Error(`${chosen.name} declares an impossible size`);
    const array = decodeNpy(await zipEntryData(bytes, chosen), { keepCompleteRows: true });
    return arrayReader(source.name, array, 'npz', dimsHint, warnings);
  } catch (e) {
    if (e instanceof TrajectoryError) throw e;
    throw new TrajectoryError(source.name, (e as Error).message, undefined, 'archive');
  }
}
