// Hand-written: no zip reader is kept in the project and .npz needs only stored and deflate
// entries; inflating uses the web-standard DecompressionStream (Node >= 18 and browsers).

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

export class ZipError extends Error {
  override readonly name = 'ZipError';
}

/** Lists the central directory (no zip64: numpy uses it only past 4 GB). */
export function zipEntries(bytes: Uint8Array): ZipEntry[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
    if (dv.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipError('no end-of-central-directory record');
  const count = dv.getUint16(eocd + 10, true);
  let p = dv.getUint32(eocd + 16, true);
  const entries: ZipEntry[] = [];
  for (let k = 0; k < count; k++) {
    if (p + 46 > bytes.length || dv.getUint32(p, true) !== 0x02014b50)
      throw new ZipError('central directory is corrupt');
    const nameLength = dv.getUint16(p + 28, true);
    const extra = dv.getUint16(p + 30, true);
    const comment = dv.getUint16(p + 32, true);
    const entry: ZipEntry = {
      method: dv.getUint16(p + 10, true),
      compressedSize: dv.getUint32(p + 20, true),
      size: dv.getUint32(p + 24, true),
      localOffset: dv.getUint32(p + 42, true),
      name: new TextDecoder().decode(bytes.subarray(p + 46, p + 46 + nameLength)),
    };
    if (entry.size === 0xffffffff || entry.localOffset === 0xffffffff)
      throw new ZipError('zip64 archives are not supported');
    entries.push(entry);
    p += 46 + nameLength + extra + comment;
  }
  return entries;
}

export async function zipEntryData(bytes: Uint8Array, entry: ZipEntry): Promise<Uint8Array> {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const p = entry.localOffset;
  if (p + 30 > bytes.length || dv.getUint32(p, true) !== 0x04034b50)
    throw new ZipError(`local header of ${entry.name} is corrupt`);
  const start = p + 30 + dv.getUint16(p + 26, true) + dv.getUint16(p + 28, true);
  const end = start + entry.compressedSize;
  if (end > bytes.length) throw new ZipError(`${entry.name} runs past the end of the archive`);
  const data = bytes.subarray(start, end);
  if (entry.method === 0) return data;
  if (entry.method !== 8) throw new ZipError(`${entry.name} uses compression method ${entry.method}`);
  // Our buffers are never shared memory; the cast satisfies the DOM typing of BlobPart.
  const stream = new Blob([data as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new DecompressionStream('deflate-raw'));
  const out = new Uint8Array(entry.size);
  let n = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    // Never inflate past the declared size (zip bombs, corrupt headers).
    if (n + value.length > out.length) {
      await reader.cancel();
      throw new ZipError(`${entry.name} inflates past its declared ${entry.size} bytes`);
    }
    out.set(value, n);
    n += value.length;
  }
  if (n !== entry.size) throw new ZipError(`${entry.name} inflated to ${n} bytes, expected ${entry.size}`);
  return out;
}
