/**
 * Typed arrays <-> SQLite blobs. Stored little-endian, as the machines we run on are; a copy is
 * taken on read so callers never alias SQLite's buffer.
 */
export function toBlob(a: Float32Array | Float64Array | Int32Array | Uint8Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

function copy(b: Buffer): ArrayBuffer {
  const out = new ArrayBuffer(b.byteLength);
  new Uint8Array(out).set(b);
  return out;
}

export function float32FromBlob(b: Buffer): Float32Array {
  return new Float32Array(copy(b));
}

export function float64FromBlob(b: Buffer): Float64Array {
  return new Float64Array(copy(b));
}

export function int32FromBlob(b: Buffer): Int32Array {
  return new Int32Array(copy(b));
}

export function bytesFromBlob(b: Buffer): Uint8Array {
  return new Uint8Array(copy(b));
}
