import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { bytesSource } from '../../src/core/io/source.js';
import { writeXyz } from '../../src/core/io/writers/xyz.js';
import { writePdb } from '../../src/core/io/writers/pdb.js';
import { decodeNpy, encodeNpy } from '../../src/core/io/writers/npy.js';
import { parsePlumedGrid, writePlumedFes } from '../../src/core/io/writers/plumed.js';
import { parseCsv, writeCsv } from '../../src/core/io/writers/csv.js';
import { importTrajectory } from '../../src/core/io/import.js';
import type { ProfileBin } from '../../src/shared/runspec.js';
import { readAllFrames } from './helpers.js';

function randomFrames(nFrames: number, particles: number, dims: number, seed = 7): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: nFrames * particles * dims }, () => 4 * rng.normal());
}

const target = (particles: number, spatialDims: number) => ({
  dim: particles * spatialDims,
  particles,
  spatialDims,
});

describe('XYZ and PDB writers re-import to the same coordinates', () => {
  for (const dims of [2, 3]) {
    it(`XYZ, ${dims}D, 5 frames x 38 particles`, async () => {
      const x = randomFrames(5, 38, dims);
      const text = writeXyz(x, 5, 38, dims, { highlighted: [0, 1], comments: ['a', 'b', 'c', 'd', 'e'] });
      const lines = text.split('\n');
      expect(lines[0]).toBe('38');
      expect(lines[1]).toBe('a units=reduced');
      expect(lines[2].startsWith('O ')).toBe(true);
      expect(lines[4].startsWith('C ')).toBe(true);
      const r = await importTrajectory(
        bytesSource('s.xyz', new TextEncoder().encode(text)),
        target(38, dims),
        { systemId: 'x', units: 'reduced' },
      );
      expect(r.nFrames).toBe(5);
      r.frames.forEach((v, i) => expect(Math.abs(v - x[i])).toBeLessThan(1e-5));
      if (dims === 2) {
        // 2D systems are written with z = 0, so the xy plane imports without complaint.
        const { frames } = await readAllFrames(bytesSource('s.xyz', new TextEncoder().encode(text)));
        expect(frames[0].coords[2]).toBe(0);
      }
    });
    it(`PDB, ${dims}D, multi-model with CRYST1`, async () => {
      const x = randomFrames(4, 10, dims, 11);
      const text = writePdb(x, 4, 10, dims, { box: [20, 20, 20], highlighted: [3] });
      expect(text.match(/^MODEL/gm)?.length).toBe(4);
      expect(text.match(/^ENDMDL/gm)?.length).toBe(4);
      expect(text).toMatch(/^CRYST1 {3}20\.000 {3}20\.000 {3}20\.000 {2}90\.00 {2}90\.00 {2}90\.00 P 1/m);
      for (const line of text.split('\n').filter((l) => l.startsWith('HETATM'))) expect(line.length).toBe(78);
      const r = await importTrajectory(
        bytesSource('s.pdb', new TextEncoder().encode(text)),
        target(10, dims),
        { systemId: 'x', units: 'reduced' },
      );
      expect(r.nFrames).toBe(4);
      // PDB keeps 3 decimals.
      r.frames.forEach((v, i) => expect(Math.abs(v - x[i])).toBeLessThan(6e-4));
    });
  }
  it('PDB refuses coordinates that do not fit its columns', () => {
    expect(() => writePdb(Float32Array.from([1e6, 0, 0]), 1, 1, 3)).toThrow(RangeError);
  });
});

describe('NumPy .npy', () => {
  it('round-trips float32 and float64 with numpy-compatible headers', () => {
    const f32 = randomFrames(3, 4, 2);
    const bytes = encodeNpy(f32, [3, 8]);
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x93, 78, 85, 77, 80, 89, 1, 0]);
    const headerLength = bytes[8] | (bytes[9] << 8);
    expect((10 + headerLength) % 64).toBe(0);
    const header = new TextDecoder().decode(bytes.subarray(10, 10 + headerLength));
    expect(header).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(3, 8\), \}\s*\n$/);
    const back = decodeNpy(bytes);
    expect(back.shape).toEqual([3, 8]);
    expect(Array.from(back.data)).toEqual(Array.from(f32));
    const f64 = Float64Array.from([Math.PI, -1e-300, 2.5]);
    const b64 = decodeNpy(encodeNpy(f64, [3]));
    expect(b64.dtype).toBe('<f8');
    expect(b64.shape).toEqual([3]);
    expect(Array.from(b64.data)).toEqual(Array.from(f64));
  });

  it('decodes big-endian, int64 and Fortran-order arrays', () => {
    const make = (descr: string, fortran: boolean, shape: string, body: Uint8Array): Uint8Array => {
      const h = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${shape}, }\n`;
      const out = new Uint8Array(10 + h.length + body.length);
      out.set([0x93, 78, 85, 77, 80, 89, 1, 0, h.length & 255, h.length >> 8]);
      out.set(new TextEncoder().encode(h), 10);
      out.set(body, 10 + h.length);
      return out;
    };
    const be = new DataView(new ArrayBuffer(16));
    be.setFloat64(0, 1.5, false);
    be.setFloat64(8, -2.25, false);
    expect(Array.from(decodeNpy(make('>f8', false, '(2,)', new Uint8Array(be.buffer))).data)).toEqual([
      1.5, -2.25,
    ]);
    const i8 = new BigInt64Array([3n, -4n]);
    expect(Array.from(decodeNpy(make('<i8', false, '(2,)', new Uint8Array(i8.buffer))).data)).toEqual([
      3, -4,
    ]);
    // Fortran order: the 2x3 matrix [[1,2,3],[4,5,6]] stored column by column.
    const col = new Float32Array([1, 4, 2, 5, 3, 6]);
    expect(Array.from(decodeNpy(make('<f4', true, '(2, 3)', new Uint8Array(col.buffer))).data)).toEqual([
      1, 2, 3, 4, 5, 6,
    ]);
  });

  it('imports [frames, atoms*dims] and [frames, atoms, dims] arrays', async () => {
    const x = randomFrames(6, 5, 2);
    for (const shape of [
      [6, 10],
      [6, 5, 2],
    ]) {
      const r = await importTrajectory(bytesSource('x.npy', encodeNpy(x, shape)), target(5, 2), {
        systemId: 's',
      });
      expect(r.provenance.format).toBe('npy');
      expect(r.provenance.units).toBe('reduced');
      expect(Array.from(r.frames)).toEqual(Array.from(x));
    }
  });
});

/** A minimal zip (stored or deflated entries), as numpy's savez / savez_compressed write. */
async function makeZip(entries: { name: string; data: Uint8Array }[], deflate: boolean): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const body = deflate
      ? new Uint8Array(
          await new Response(
            new Blob([e.data]).stream().pipeThrough(new CompressionStream('deflate-raw')),
          ).arrayBuffer(),
        )
      : e.data;
    const name = new TextEncoder().encode(e.name);
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(8, deflate ? 8 : 0, true);
    lv.setUint32(18, body.length, true);
    lv.setUint32(22, e.data.length, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);
    const c = new Uint8Array(46 + name.length);
    const cv = new DataView(c.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(10, deflate ? 8 : 0, true);
    cv.setUint32(20, body.length, true);
    cv.setUint32(24, e.data.length, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    c.set(name, 46);
    central.push(c);
    parts.push(local, body);
    offset += local.length + body.length;
  }
  const cdSize = central.reduce((a, c) => a + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, offset, true);
  const all = [...parts, ...central, end];
  const out = new Uint8Array(all.reduce((a, p) => a + p.length, 0));
  let p = 0;
  for (const part of all) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}

describe('NumPy .npz', () => {
  for (const deflate of [false, true]) {
    it(`reads the configuration array of a ${deflate ? 'compressed' : 'stored'} archive`, async () => {
      const x = randomFrames(4, 3, 2, 3);
      const energies = encodeNpy(Float64Array.from([1, 2, 3, 4]), [4]);
      const zip = await makeZip(
        [
          { name: 'energies.npy', data: energies },
          { name: 'x.npy', data: encodeNpy(x, [4, 6]) },
        ],
        deflate,
      );
      const r = await importTrajectory(bytesSource('data.npz', zip), target(3, 2), { systemId: 's' });
      expect(r.provenance.format).toBe('npz');
      expect(Array.from(r.frames)).toEqual(Array.from(x));
      expect(r.warnings.join()).toMatch(/read array 'x'/);
    });
  }
});

describe('PLUMED fes.dat', () => {
  const profile: ProfileBin[] = Array.from({ length: 21 }, (_, i) => {
    const rc = -2 + 0.2 * i;
    return { rc, F: rc ** 4 - 2 * rc ** 2, error: 0.01 * i };
  });
  it('writes a DUMPGRID header that describes its rows and parses back', () => {
    const text = writePlumedFes(profile, {
      rcName: 'd',
      temperature: 1.5,
      min: -2.1,
      max: 2.1,
      nbins: 21,
      periodic: false,
      unit: 'reduced',
    });
    const lines = text.split('\n');
    expect(lines[0]).toBe('#! FIELDS d file.free der_d');
    expect(text).toMatch(/^#! SET periodic_d false$/m);
    expect(text).toMatch(/temperature tau=1\.5/);
    const grid = parsePlumedGrid(text);
    expect(grid.fields).toEqual(['d', 'file.free', 'der_d']);
    const min = Number(grid.set.min_d);
    const max = Number(grid.set.max_d);
    const nbins = Number(grid.set.nbins_d);
    // PLUMED non-periodic grids hold nbins + 1 points from min to max.
    expect(grid.columns.d.length).toBe(nbins + 1);
    grid.columns.d.forEach((rc, i) => expect(rc).toBeCloseTo(min + ((max - min) * i) / nbins, 8));
    grid.columns['file.free'].forEach((F, i) => expect(F).toBeCloseTo(profile[i].F, 8));
    // der is dF/drc = 4 rc^3 - 4 rc, within finite-difference error: 0 at rc = 1, 9.984 at rc = 1.6.
    expect(Math.abs(grid.columns.der_d[15])).toBeLessThan(0.2);
    expect(Math.abs(grid.columns.der_d[18] - (4 * 1.6 ** 3 - 4 * 1.6))).toBeLessThan(0.5);
  });
  it('writes empty bins as inf and reads them back', () => {
    const text = writePlumedFes(
      [
        { rc: 0, F: Infinity, error: NaN },
        { rc: 1, F: 0, error: 0 },
      ],
      { rcName: 'x', temperature: 1 },
    );
    expect(parsePlumedGrid(text).columns['file.free'][0]).toBe(Infinity);
  });
});

describe('CSV', () => {
  it('writes units in the header and parses back exactly', () => {
    const rc = [0.1, 0.2, 1 / 3];
    const F = [1.5, -2e-12, NaN];
    const text = writeCsv([
      { name: 'rc', unit: 'reduced length', values: rc },
      { name: 'F', unit: 'kT0', values: F },
      { name: 'note, with comma', values: [1, 2, 3] },
    ]);
    expect(text.split('\n')[0]).toBe('rc [reduced length],F [kT0],"note, with comma"');
    const back = parseCsv(text);
    expect(back.columns.map((c) => [c.name, c.unit])).toEqual([
      ['rc', 'reduced length'],
      ['F', 'kT0'],
      ['note, with comma', undefined],
    ]);
    expect(back.columns[0].values).toEqual(rc);
    expect(back.columns[1].values.slice(0, 2)).toEqual(F.slice(0, 2));
    expect(back.columns[1].values[2]).toBeNaN();
  });
  it('imports a CSV of configurations (one frame per row, bookkeeping columns skipped)', async () => {
    const text = 'frame,x0,y0,x1,y1\n0,1,2,3,4\n1,5,6,7,8\n';
    const r = await importTrajectory(bytesSource('c.csv', new TextEncoder().encode(text)), target(2, 2), {
      systemId: 's',
    });
    expect(Array.from(r.frames)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
