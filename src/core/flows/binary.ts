/**
 * A small versioned container: 4-byte magic, uint32 header length, UTF-8 JSON header, padding
 * to 4 bytes, then float32 arrays back to back (lengths recorded in the header by the caller).
 * Hand-written: a dozen lines, and no npm format keeps float32 arrays plus metadata this simply.
 */
export function pack(magic: string, header: unknown, arrays: Float32Array[]): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const start = align4(8 + json.length);
  const floats = arrays.reduce((s, a) => s + a.length, 0);
  const out = new Uint8Array(start + 4 * floats);
  out.set(new TextEncoder().encode(magic.padEnd(4).slice(0, 4)), 0);
  new DataView(out.buffer).setUint32(4, json.length, true);
  out.set(json, 8);
  const view = new DataView(out.buffer);
  let offset = start;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++, offset += 4) view.setFloat32(offset, a[i], true);
  }
  return out;
}

export interface Unpacked<H> {
  header: H;
  /** All float32 data after the header; the caller slices it with lengths from the header. */
  data: Float32Array;
}

export function unpack<H>(magic: string, bytes: Uint8Array): Unpacked<H> {
  if (bytes.length < 8) throw new Error(`Not a ${magic} file: too short`);
  const got = new TextDecoder().decode(bytes.subarray(0, 4));
  if (got !== magic) throw new Error(`Not a ${magic} file (magic "${got}")`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const len = view.getUint32(4, true);
  if (8 + len > bytes.length) throw new Error(`Corrupt ${magic} file: header past the end`);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + len))) as H;
  const start = align4(8 + len);
  const n = Math.floor((bytes.length - start) / 4);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = view.getFloat32(start + 4 * i, true);
  return { header, data };
}

export function magicOf(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes.subarray(0, 4));
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
