import { describe, expect, it } from 'vitest';
import { bytesSource } from '../../src/core/io/source.js';
import { readAllFrames } from './helpers.js';

/** One TRR frame as GROMACS writes it (big-endian XDR), in single or double precision. */
function trrFrame(
  atoms: number,
  real: 4 | 8,
  parts: { box?: number[]; x?: number[]; v?: number[] },
): Uint8Array {
  const n3 = 3 * atoms;
  const sizes = { box: parts.box ? 9 * real : 0, x: parts.x ? n3 * real : 0, v: parts.v ? n3 * real : 0 };
  const header = 12 + 12 + 13 * 4 + 2 * real;
  const out = new Uint8Array(header + sizes.box + sizes.x + sizes.v);
  const dv = new DataView(out.buffer);
  dv.setInt32(0, 1993);
  dv.setInt32(4, 13);
  dv.setInt32(8, 12);
  out.set(new TextEncoder().encode('GMX_trn_file'), 12);
  const ints = [0, 0, sizes.box, 0, 0, 0, 0, sizes.x, sizes.v, 0, atoms, 0, 0];
  ints.forEach((v, k) => dv.setInt32(24 + 4 * k, v));
  let p = 24 + 52 + 2 * real;
  for (const block of [parts.box, parts.x, parts.v]) {
    for (const value of block ?? []) {
      if (real === 4) dv.setFloat32(p, value);
      else dv.setFloat64(p, value);
      p += real;
    }
  }
  return out;
}

const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((a, b) => a + b.length, 0));
  let p = 0;
  for (const part of parts) {
    out.set(part, p);
    p += part.length;
  }
  return out;
};

describe('TRR framing', () => {
  const box = [3, 0, 0, 0, 3, 0, 0, 0, 3];
  it('reads double-precision frames and skips velocity-only frames with a warning', async () => {
    const bytes = concat(
      trrFrame(2, 8, { box, x: [0.1, 0.2, 0.3, 1.123456789, 2, 3] }),
      trrFrame(2, 8, { box, v: [9, 9, 9, 9, 9, 9] }),
      trrFrame(2, 8, { box, x: [0.4, 0.5, 0.6, 1, 2, 3.5] }),
    );
    const { reader, frames } = await readAllFrames(bytesSource('double.trr', bytes));
    expect(reader.unit).toBe('nm');
    expect(frames.length).toBe(2);
    expect(frames[0].coords[3]).toBeCloseTo(1.123456789, 6);
    expect(frames[1].coords[5]).toBeCloseTo(3.5, 6);
    expect(Array.from(frames[0].box!)).toEqual(box);
    expect(reader.warnings).toContain('double.trr: skipped 1 frames without positions');
  });

  it('refuses a frame whose atom count changes, naming it', async () => {
    const bytes = concat(
      trrFrame(2, 4, { x: [0, 0, 0, 1, 1, 1] }),
      trrFrame(3, 4, { x: [0, 0, 0, 1, 1, 1, 2, 2, 2] }),
    );
    await expect(readAllFrames(bytesSource('vary.trr', bytes))).rejects.toThrow(
      /vary\.trr: frame 1 has 3 atoms, the first frame has 2/,
    );
  });
});
