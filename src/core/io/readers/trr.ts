import { TrajectoryError } from '../errors.js';
import { decodeTrrFrames } from '../molstar.js';
import type { ByteSource } from '../source.js';
import type { TrajectoryReader } from '../types.js';
import { xdrFrames, type SpanReader } from './xdr.js';

export const TRR_MAGIC = 1993;

/**
 * TRR header (GROMACS trrio): magic, version string (int length, int length, 12 chars), 13 ints
 * (ir, e, box, vir, pres, top, sym, x, v, f sizes, natoms, step, nre), then t and lambda.
 */
function trrSpan(name: string): SpanReader {
  return (head, offset, fileSize, index) => {
    const left = fileSize - offset;
    if (head.byteLength < 12) return { truncated: true, expected: 12, got: left };
    if (head.getInt32(0) !== TRR_MAGIC)
      throw new TrajectoryError(name, `has magic ${head.getInt32(0)}, expected ${TRR_MAGIC}`, index, 'magic');
    const version = head.getInt32(8);
    if (version < 0 || version > 64)
      throw new TrajectoryError(name, `version string length ${version} is invalid`, index, 'version');
    const ints = 12 + Math.ceil(version / 4) * 4;
    if (head.byteLength < ints + 52) return { truncated: true, expected: ints + 52, got: left };
    const field = (k: number): number => head.getInt32(ints + 4 * k);
    const [box, vir, pres, x, v, f, atoms] = [
      field(2),
      field(3),
      field(4),
      field(7),
      field(8),
      field(9),
      field(10),
    ];
    if (atoms <= 0) throw new TrajectoryError(name, `atom count ${atoms} is invalid`, index, 'natoms');
    const sizes = [box, vir, pres, x, v, f];
    if (sizes.some((s) => s < 0 || s > fileSize))
      throw new TrajectoryError(name, 'a block size is negative or larger than the file', index, 'sizes');
    const real = box ? box / 9 : x ? x / (3 * atoms) : v ? v / (3 * atoms) : f ? f / (3 * atoms) : 4;
    if (real !== 4 && real !== 8)
      throw new TrajectoryError(name, `block sizes imply ${real}-byte reals`, index, 'sizes');
    if ((x && x !== 3 * atoms * real) || (box && box !== 9 * real))
      throw new TrajectoryError(
        name,
        `position block of ${x} bytes does not fit ${atoms} atoms`,
        index,
        'x_size',
      );
    const size = ints + 52 + 2 * real + sizes.reduce((a, b) => a + b, 0);
    if (size > left) return { truncated: true, expected: size, got: left };
    return { offset, size, atoms, hasCoords: x > 0 };
  };
}

export async function openTrr(source: ByteSource): Promise<TrajectoryReader> {
  const head = await source.read(0, 128);
  const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (head.length < 80 || dv.getInt32(0) !== TRR_MAGIC)
    throw new TrajectoryError(source.name, 'not a TRR file (bad magic)', 0, 'magic');
  const span = trrSpan(source.name)(dv, 0, source.size, 0);
  const atoms = 'atoms' in span ? span.atoms : -1;
  if (atoms <= 0) throw new TrajectoryError(source.name, 'first frame is truncated', 0);
  const warnings: string[] = [];
  return {
    format: 'trr',
    atoms,
    dims: 3,
    unit: 'nm',
    warnings,
    streaming: true,
    frames: () =>
      xdrFrames({
        source,
        headerBytes: 128,
        span: trrSpan(source.name),
        decode: decodeTrrFrames,
        warnings,
        atoms,
      }),
  };
}
