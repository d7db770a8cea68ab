import type { ByteSource } from '../../src/core/io/source.js';

/**
 * A virtual file: `head` followed by `body` repeated `times` times, served range by range without
 * ever existing in memory (for streaming and throughput checks on very large trajectories).
 */
export function repeatSource(name: string, head: Uint8Array, body: Uint8Array, times: number): ByteSource {
  const size = head.length + body.length * times;
  return {
    name,
    size,
    async read(offset: number, length: number): Promise<Uint8Array> {
      const end = Math.min(size, offset + length);
      const out = new Uint8Array(Math.max(0, end - offset));
      for (let p = offset; p < end;) {
        if (p < head.length) {
          const n = Math.min(end, head.length) - p;
          out.set(head.subarray(p, p + n), p - offset);
          p += n;
        } else {
          const r = (p - head.length) % body.length;
          const n = Math.min(end - p, body.length - r);
          out.set(body.subarray(r, r + n), p - offset);
          p += n;
        }
      }
      return out;
    },
  };
}
