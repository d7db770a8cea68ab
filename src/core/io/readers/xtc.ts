import { TrajectoryError } from '../errors.js';
import { decodeXtcFrames } from '../molstar.js';
import type { ByteSource } from '../source.js';
import type { TrajectoryReader } from '../types.js';
import { xdrFrames, type SpanReader } from './xdr.js';

export const XTC_MAGIC = 1995;

/** XTC frame layout (xdrfile's xtc): 14 ints/floats of header; <= 9 atoms raw floats, else compressed. */
function xtcSpan(name: string): SpanReader {
  return (head, offset, fileSize, index) => {
    const left = fileSize - offset;
    if (head.byteLength < 56) return { truncated: true, expected: 56, got: left };
    if (head.getInt32(0) !== XTC_MAGIC)
      throw new TrajectoryError(name, `has magic ${head.getInt32(0)}, expected ${XTC_MAGIC}`, index, 'magic');
    const atoms = head.getInt32(4);
    if (atoms <= 0 || head.getInt32(52) !== atoms)
      throw new TrajectoryError(
        name,
        `atom count ${atoms} is invalid or disagrees with ${head.getInt32(52)}`,
        index,
        'natoms',
      );
    let size: number;
    if (atoms <= 9) size = 56 + 12 * atoms;
    else {
      if (head.byteLength < 92) return { truncated: true, expected: 92, got: left };
      // molstar's decoder loops forever on some corrupt headers (a negative or > 2^23 coordinate
      // range makes its byte-carry loop shift a negative int); check them before decoding.
      const precision = head.getFloat32(56);
      if (!(precision > 0) || !Number.isFinite(precision))
        throw new TrajectoryError(name, `precision ${precision} is invalid`, index, 'precision');
      const sizes = [0, 1, 2].map((k) => head.getInt32(72 + 4 * k) - head.getInt32(60 + 4 * k) + 1);
      if (sizes.some((s) => s < 1 || s > 0x7fffffff))
        throw new TrajectoryError(name, `coordinate range [${sizes}] is invalid`, index, 'minint');
      if (sizes.every((s) => s <= 0xffffff) && sizes.some((s) => s >= 1 << 23))
        throw new TrajectoryError(
          name,
          `coordinate range [${sizes}] (in units of 1/precision) is too large for the XTC decoder`,
          index,
          'maxint',
        );
      const smallidx = head.getInt32(84);
      if (smallidx < 0 || smallidx > 72)
        throw new TrajectoryError(name, `smallidx ${smallidx} is invalid`, index, 'smallidx');
      const nbytes = head.getInt32(88);
      // Compressed atoms take at least a few bits each; a smaller byte count is corruption.
      if (nbytes < 0 || nbytes * 8 < atoms)
        throw new TrajectoryError(
          name,
          `compressed size ${nbytes} bytes is impossible for ${atoms} atoms`,
          index,
          'nbytes',
        );
      size = 92 + Math.ceil(nbytes / 4) * 4;
    }
    if (size > left) return { truncated: true, expected: size, got: left };
    return { offset, size, atoms, hasCoords: true };
  };
}

export async function openXtc(source: ByteSource): Promise<TrajectoryReader> {
  const head = await source.read(0, 56);
  const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (head.length < 8 || dv.getInt32(0) !== XTC_MAGIC)
    throw new TrajectoryError(source.name, 'not an XTC file (bad magic)', 0, 'magic');
  const atoms = dv.getInt32(4);
  if (atoms <= 0 || atoms * 1 > source.size * 8)
    throw new TrajectoryError(source.name, `atom count ${atoms} is impossible`, 0, 'natoms');
  const warnings: string[] = [];
  return {
    format: 'xtc',
    atoms,
    dims: 3,
    unit: 'nm',
    warnings,
    streaming: true,
    frames: () =>
      xdrFrames({
        source,
        headerBytes: 92,
        span: xtcSpan(source.name),
        decode: decodeXtcFrames,
        warnings,
        atoms,
      }),
  };
}
