/**
 * Where trajectory bytes come from. Readers pull ranges, so a file on disk never has to be loaded
 * whole (src/main/io/fileSource.ts reads from disk; bytesSource wraps bytes already in memory).
 */
export interface ByteSource {
  readonly name: string;
  readonly size: number;
  /** Up to `length` bytes starting at `offset`; shorter only at the end of the source. */
  read(offset: number, length: number): Promise<Uint8Array>;
}

export function bytesSource(name: string, bytes: Uint8Array): ByteSource {
  return {
    name,
    size: bytes.byteLength,
    async read(offset: number, length: number): Promise<Uint8Array> {
      const start = Math.max(0, Math.min(offset, bytes.byteLength));
      const end = Math.max(start, Math.min(offset + length, bytes.byteLength));
      return bytes.subarray(start, end);
    },
  };
}

/** Reads the whole source (for the formats that cannot stream: NetCDF, GRO, PDB, npy/npz, CSV). */
export async function readAll(source: ByteSource, maxBytes = 2 ** 31 - 1): Promise<Uint8Array> {
  if (source.size > maxBytes) throw new RangeError(`${source.name} is larger than ${maxBytes} bytes`);
  const bytes = await source.read(0, source.size);
  return bytes;
}

/** A copy in a fresh, aligned ArrayBuffer: Node's small Buffers share a pooled ArrayBuffer. */
export function ownedCopy(bytes: Uint8Array): Uint8Array {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy;
}
