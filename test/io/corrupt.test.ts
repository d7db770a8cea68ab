import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { bytesSource, type ByteSource } from '../../src/core/io/source.js';
import { TrajectoryError } from '../../src/core/io/errors.js';
import { detectFormat } from '../../src/core/io/detect.js';
import { encodeNpy } from '../../src/core/io/writers/npy.js';
import { TRAJECTORY_FORMATS } from '../../src/core/io/types.js';
import { fileBytes, readAllFrames } from './helpers.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

async function expectTrajectoryError(
  source: ByteSource,
  options = {},
  pattern?: RegExp,
): Promise<TrajectoryError> {
  const err = await readAllFrames(source, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TrajectoryError);
  if (pattern) expect((err as Error).message).toMatch(pattern);
  return err as TrajectoryError;
}

function patch(bytes: Uint8Array, offset: number, value: number, little = false): Uint8Array {
  const copy = bytes.slice();
  new DataView(copy.buffer).setInt32(offset, value, little);
  return copy;
}

describe('corrupted inputs give a TrajectoryError, never a crash, hang or huge allocation', () => {
  it('zero-length file', async () => {
    await expectTrajectoryError(bytesSource('empty.xtc', new Uint8Array(0)), {}, /empty\.xtc: is empty/);
  });

  it('random bytes, with and without a claimed format', async () => {
    const rng = new Rng(3);
    const bytes = Uint8Array.from({ length: 5000 }, () => Math.floor(rng.uniform() * 256));
    await expectTrajectoryError(bytesSource('noise.bin', bytes));
    for (const format of TRAJECTORY_FORMATS) {
      await expectTrajectoryError(bytesSource(`noise.${format}`, bytes), { format });
    }
  });

  it('wrong magic for a forced format names the field', async () => {
    const err = await expectTrajectoryError(
      bytesSource('frame0.xtc', fileBytes('xtc/frame0.xtc')),
      { format: 'dcd' },
      /bad magic/,
    );
    expect(err.field).toBe('header');
    await expectTrajectoryError(
      bytesSource('protein.dcd', fileBytes('dcd/protein.dcd')),
      { format: 'trr' },
      /bad magic/,
    );
  });

  it('huge declared sizes are refused before allocating', async () => {
    await expectTrajectoryError(
      bytesSource('big.xyz', text('999999999999\ncomment\nC 0 0 0\n')),
      {},
      /declares 999999999999 atoms/,
    );
    await expectTrajectoryError(
      bytesSource(
        'big.lammpstrj',
        text(
          'ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n2000000000\nITEM: BOX BOUNDS pp pp pp\n0 1\n0 1\n0 1\nITEM: ATOMS id x y z\n1 0 0 0\n',
        ),
      ),
      {},
      /declares 2000000000 atoms/,
    );
    // DCD NATOM (little-endian int after the title record) set to 2^30.
    const dcd = fileBytes('dcd/protein.dcd');
    const natomOffset = 92 + 8 + new DataView(dcd.buffer, dcd.byteOffset).getInt32(92, true) + 4;
    await expectTrajectoryError(bytesSource('big.dcd', patch(dcd, natomOffset, 2 ** 30, true)), {}, /NATOM/);
    // XTC natoms (both copies) set to 2^30.
    const xtc = patch(patch(fileBytes('xtc/frame0.xtc'), 4, 2 ** 30), 52, 2 ** 30);
    await expectTrajectoryError(bytesSource('big.xtc', xtc), {});
    // TRR x_size set past the end of the file.
    const trr = patch(fileBytes('trr/test_5atoms.trr'), 24 + 28, 2 ** 30);
    await expectTrajectoryError(bytesSource('big.trr', trr), {});
    // npy shape far beyond the data: the rows present are kept, nothing huge is allocated.
    const npy = new TextDecoder('latin1')
      .decode(encodeNpy(new Float32Array(6), [2, 3]))
      .replace('(2, 3)', '(9999999999, 3)');
    const big = await readAllFrames(
      bytesSource(
        'big.npy',
        Uint8Array.from(npy, (c) => c.charCodeAt(0)),
      ),
    );
    expect(big.frames.length).toBe(2);
    expect(big.reader.warnings.join()).toMatch(/header declares 9999999999 frames/);
    // GRO atom count larger than the file.
    await expectTrajectoryError(
      bytesSource('big.gro', text('t\n 100000000\n    1SOL     OW    1   0.230   0.628   0.113\n')),
      {},
      /frame 0 is truncated|holds no complete/,
    );
  });

  it('NaN and non-numeric coordinates name the frame', async () => {
    const err = await expectTrajectoryError(
      bytesSource('nan.xyz', text('1\nf0\nC 0 0 0\n1\nf1\nC nan 0 0\n')),
      {},
      /nan\.xyz: frame 1 atom 0 coordinate 'nan'/,
    );
    expect(err.frame).toBe(1);
    await expectTrajectoryError(
      bytesSource('nan.npy', encodeNpy(Float32Array.from([0, 1, NaN]), [1, 3])),
      {},
      /not finite/,
    );
    await expectTrajectoryError(
      bytesSource('bad.pdb', text('ATOM      1  CA  ALA A   1       abc     2.000   3.000\nEND\n')),
      {},
      /not a number/,
    );
    // A DCD coordinate overwritten with a NaN bit pattern.
    const dcd = fileBytes('dcd/protein.dcd').slice();
    new DataView(dcd.buffer).setFloat32(dcd.length - 20, NaN, true);
    await expectTrajectoryError(
      bytesSource('nan.dcd', dcd),
      {},
      /frame 9 atom \d+ has a non-finite coordinate/,
    );
  });
});

describe('NumPy cut off', () => {
  it('a .npy cut inside its last row keeps the complete rows and says so', async () => {
    const full = encodeNpy(
      Float32Array.from({ length: 12 }, (_, i) => i),
      [4, 3],
    );
    const { reader, frames } = await readAllFrames(bytesSource('cut.npy', full.subarray(0, full.length - 5)));
    expect(frames.length).toBe(3);
    expect(Array.from(frames[2].coords)).toEqual([6, 7, 8]);
    expect(reader.warnings).toEqual([
      'cut.npy: frame 3 is truncated (expected 12 bytes, got 7); dropped it and kept 3 complete frames',
    ]);
  });
});

describe('CSV cut off', () => {
  it('a CSV whose last row is cut short keeps the complete rows and says so', async () => {
    const { reader, frames } = await readAllFrames(
      bytesSource('cut.csv', text('x0,y0,x1,y1\n1,2,3,4\n5,6,7,8\n9,10')),
    );
    expect(frames.length).toBe(2);
    expect(reader.warnings).toEqual([
      'cut.csv: frame 2 is truncated (expected 4 cells, got 2); dropped it and kept 2 complete frames',
    ]);
    await expect(readAllFrames(bytesSource('bad.csv', text('x0,y0\n1,2\n3\n4,5\n')))).rejects.toThrow(
      /bad\.csv: frame 1 row has 1 cells, expected 2/,
    );
  });
});

describe('NetCDF records', () => {
  it('a NetCDF file cut inside its last record keeps the complete frames and says so', async () => {
    const bytes = fileBytes('nc/protein.nc');
    const { reader, frames } = await readAllFrames(
      bytesSource('cut.nc', bytes.subarray(0, bytes.length - 100)),
    );
    expect(frames.length).toBe(9);
    expect(reader.warnings[0]).toMatch(/^cut\.nc: frame 9 is truncated \(expected \d+ bytes, got \d+\)/);
  });
});

describe('format detection by content', () => {
  it('finds the format when the extension lies or is missing', async () => {
    const cases: [string, string][] = [
      ['xtc/frame0.xtc', 'xtc'],
      ['trr/test_5atoms.trr', 'trr'],
      ['dcd/protein.dcd', 'dcd'],
      ['dcd/protein_bigendian.dcd', 'dcd'],
      ['nc/protein.nc', 'netcdf'],
      ['gro/1crn.gro', 'gro'],
      ['pdb/1vii_3frames.pdb', 'pdb'],
      ['pdb/gromos11_traj_vac.pdb', 'pdb'],
      ['xyz/2r9r-1b.xyz', 'xyz'],
      ['xyz/gpumd_observer0.extxyz', 'xyz'],
      ['lammps/albite_triclinic.dump', 'lammps'],
    ];
    for (const [rel, format] of cases) {
      const bytes = fileBytes(rel);
      expect(detectFormat(bytes.subarray(0, 4096), 'data.txt'), rel).toBe(format);
      const { reader, frames } = await readAllFrames(bytesSource('upload', bytes));
      expect(reader.format).toBe(format);
      expect(frames.length).toBeGreaterThan(0);
    }
    expect(detectFormat(encodeNpy(new Float32Array(3), [1, 3]), 'x.dat')).toBe('npy');
    expect(detectFormat(text('x0,y0\n1,2\n'), 'x.dat')).toBe('csv');
  });
});
