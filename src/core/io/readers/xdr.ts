// Frame scanning for XTC and TRR (GROMACS XDR, big-endian). molstar decodes frames but needs the
// whole file in memory and runs off the end of a truncated one; scanning here lets us hand it
// batches of complete frames (bounded memory) and report a cut-off last frame.
import { isZeroBox } from '../box.js';
import { TrajectoryError, truncatedWarning } from '../errors.js';
import type { ByteSource } from '../source.js';
import type { TrajectoryFrame } from '../types.js';
import type { DecodedFrame } from '../molstar.js';

/** Bytes of frames handed to molstar at once. */
const BATCH_BYTES = 4 << 20;

export interface FrameSpan {
  offset: number;
  size: number;
  atoms: number;
  /** false for TRR frames without positions (velocity/force-only). */
  hasCoords: boolean;
}

/** Reads the span of the frame at `offset`, or a truncation/corruption verdict. */
export type SpanReader = (
  head: DataView,
  offset: number,
  fileSize: number,
  index: number,
) => FrameSpan | { truncated: true; expected: number; got: number };

export interface XdrOptions {
  source: ByteSource;
  headerBytes: number;
  span: SpanReader;
  decode(bytes: Uint8Array, count: number): Promise<DecodedFrame[]>;
  warnings: string[];
  atoms: number;
}

/** Streams frames: scan spans, gather up to BATCH_BYTES of complete frames, decode, check, yield. */
export async function* xdrFrames(o: XdrOptions): AsyncGenerator<TrajectoryFrame> {
  const { source } = o;
  let offset = 0;
  let index = 0;
  let skipped = 0;
  while (offset < source.size) {
    const batch: FrameSpan[] = [];
    let batchBytes = 0;
    let end = false;
    while (offset < source.size && (batch.length === 0 || batchBytes < BATCH_BYTES)) {
      const headBytes = await source.read(offset, o.headerBytes);
      const head = new DataView(headBytes.buffer, headBytes.byteOffset, headBytes.byteLength);
      const span = o.span(head, offset, source.size, index + batch.length);
      if ('truncated' in span) {
        o.warnings.push(truncatedWarning(source.name, index + batch.length, span.expected, span.got));
        end = true;
        break;
      }
      if (span.atoms !== o.atoms)
        throw new TrajectoryError(
          source.name,
          `has ${span.atoms} atoms, the first frame has ${o.atoms}`,
          index + batch.length,
          'natoms',
        );
      offset += span.size;
      if (!span.hasCoords) {
        skipped++;
        continue;
      }
      batch.push(span);
      batchBytes += span.size;
    }
    if (batch.length > 0) {
      const start = batch[0].offset;
      const last = batch[batch.length - 1];
      const bytes = await source.read(start, last.offset + last.size - start);
      // Spans may be separated by skipped frames: pack the kept ones contiguously.
      const packed = new Uint8Array(batchBytes);
      let p = 0;
      for (const s of batch) {
        packed.set(bytes.subarray(s.offset - start, s.offset - start + s.size), p);
        p += s.size;
      }
      let decoded: DecodedFrame[];
      try {
        decoded = await o.decode(packed, batch.length);
      } catch (e) {
        throw new TrajectoryError(
          source.name,
          `cannot be decoded: ${(e as Error).message}`,
          index,
          'coordinates',
        );
      }
      for (let k = 0; k < decoded.length; k++) {
        const f = decoded[k];
        if (f.coords.length !== o.atoms * 3)
          throw new TrajectoryError(
            source.name,
            `decoded ${f.coords.length / 3} atoms, expected ${o.atoms}`,
            index,
            'coordinates',
          );
        // An all-zero box means no periodic cell (e.g. vacuum runs).
        const box = f.box && !isZeroBox(f.box) ? f.box : undefined;
        yield { index, coords: f.coords, box, bytesRead: batch[k].offset + batch[k].size };
        index++;
      }
    }
    if (end) break;
  }
  if (skipped > 0) o.warnings.push(`${source.name}: skipped ${skipped} frames without positions`);
}
