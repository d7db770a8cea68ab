/** Buffers that can be moved (not copied) across postMessage. */
export function buffersOf(...arrays: (ArrayBufferView | undefined)[]): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const a of arrays) {
    if (
      a &&
      a.buffer instanceof ArrayBuffer &&
      !out.includes(a.buffer) &&
      a.byteOffset === 0 &&
      a.byteLength === a.buffer.byteLength
    ) {
      out.push(a.buffer);
    }
  }
  return out;
}
