import { describe, expect, it } from 'vitest';
import { boxLengthsAngles } from '../../src/core/io/box.js';
import { bytesSource } from '../../src/core/io/source.js';
import { fileSource } from '../../src/main/io/fileSource.js';
import { TrajectoryError } from '../../src/core/io/errors.js';
import {
  fileBytes,
  first3,
  groundTruth,
  readAllFrames,
  sourceOf,
  TRAJ_DIR,
  trajectoryFiles,
} from './helpers.js';

const TOL = 1e-3;
const truth = groundTruth();
const topologyOnly = (file: string): boolean => file.endsWith('.psf');

function expectClose(actual: number[][], expected: number[][]): void {
  expect(actual.length).toBe(expected.length);
  actual.flat().forEach((v, i) => expect(Math.abs(v - expected.flat()[i])).toBeLessThan(TOL));
}

describe('ground truth: every shared trajectory file', () => {
  it('covers every file in the folder', () => {
    const listed = new Set(truth.map((f) => f.file));
    expect(trajectoryFiles().filter((f) => !listed.has(f))).toEqual([]);
    expect(trajectoryFiles().length).toBe(truth.length);
  });

  for (const entry of truth) {
    if (topologyOnly(entry.file)) {
      it(`${entry.file}: a topology without coordinates is refused with a TrajectoryError`, async () => {
        await expect(readAllFrames(sourceOf(entry.file))).rejects.toBeInstanceOf(TrajectoryError);
      });
      continue;
    }
    it(`${entry.file}: atoms, frames, first and last frame match (${TOL} in file units)`, async () => {
      // Independent reader where mdtraj fails or is wrong; complete frames for truncated files.
      const ref = (entry.independent ?? entry.mdtraj_complete_frames ?? entry.mdtraj) as Record<
        string,
        unknown
      >;
      const { reader, frames } = await readAllFrames(sourceOf(entry.file));
      expect(frames.length).toBe(ref.n_frames);
      const perFrame = frames.map((f) => f.coords.length / 3);
      if (Array.isArray(ref.n_atoms_per_frame)) expect(perFrame).toEqual(ref.n_atoms_per_frame);
      else expect(perFrame.every((n) => n === ref.n_atoms)).toBe(true);
      expectClose(first3(frames[0].coords), ref.first_frame_first3 as number[][]);
      expectClose(
        first3(frames[frames.length - 1].coords),
        (ref.last_frame_first3 ?? ref.last_complete_frame_first3) as number[][],
      );
      const units = String(
        (entry.mdtraj.units as string | undefined) ?? (entry.independent?.units as string | undefined) ?? '',
      );
      if (/^nm/.test(units)) expect(reader.unit).toBe('nm');
      if (/^Angstrom/.test(units)) expect(reader.unit).toBe('angstrom');
      if (/truncated/.test(entry.file)) {
        // Documented behaviour: the cut-off last frame is dropped with a warning the user sees.
        expect(reader.warnings.join('\n')).toMatch(
          new RegExp(`frame ${frames.length} is truncated \\(expected \\d+ [a-z ]+, got \\d+\\)`),
        );
      } else {
        expect(reader.warnings.filter((w) => /truncated/.test(w))).toEqual([]);
      }
    });
  }
});

describe('cells and boxes', () => {
  const dcd = truth.filter((f) => f.file.endsWith('.dcd'));
  for (const entry of dcd) {
    it(`${entry.file}: unit cell lengths and angles`, async () => {
      const { frames } = await readAllFrames(sourceOf(entry.file));
      const { lengths, angles } = boxLengthsAngles(frames[0].box!);
      let refL = entry.mdtraj.cell_lengths_first as number[];
      let refA = entry.mdtraj.cell_angles_first as number[];
      if (entry.file.includes('tip125_tric_C36')) {
        // mdtraj 1.9.7 misreads the c36 box-vector cell; MDAnalysis's values (README) are the oracle.
        refL = [35.44604, 35.06156, 34.1585];
        refA = [91.32802, 61.73521, 44.40703];
      }
      expectClose([lengths], [refL]);
      expectClose([angles], [refA]);
    });
  }
  for (const entry of truth.filter((f) => /\.(xtc|trr|gro)$/.test(f.file) && f.mdtraj.box_vectors_first)) {
    it(`${entry.file}: box vectors (nm)`, async () => {
      const { frames } = await readAllFrames(sourceOf(entry.file));
      const ref = (entry.mdtraj.box_vectors_first as number[][]).flat();
      // An all-zero box (vacuum XTC) means no periodic cell.
      if (ref.every((v) => v === 0)) expect(frames[0].box).toBeUndefined();
      else expectClose([Array.from(frames[0].box!)], [ref]);
    });
  }
  for (const entry of truth.filter((f) => f.file.startsWith('lammps/'))) {
    it(`${entry.file}: box vectors from BOX BOUNDS (triclinic tilt undone)`, async () => {
      const { frames } = await readAllFrames(sourceOf(entry.file));
      expectClose(
        [Array.from(frames[0].box!)],
        [(entry.independent!.box_vectors_first as number[][]).flat()],
      );
    });
  }
  for (const entry of truth.filter((f) => f.file.startsWith('nc/'))) {
    it(`${entry.file}: NetCDF cell`, async () => {
      const { frames } = await readAllFrames(sourceOf(entry.file));
      const refL = entry.mdtraj.cell_lengths_first as number[] | null;
      if (!refL) {
        expect(frames[0].box).toBeUndefined();
        return;
      }
      const { lengths, angles } = boxLengthsAngles(frames[0].box!);
      expectClose([lengths, angles], [refL, entry.mdtraj.cell_angles_first as number[]]);
    });
  }
});

describe('PDB CRYST1', () => {
  it('reads a triclinic CRYST1 and ignores the 1 Å placeholder cell', async () => {
    const tric = await readAllFrames(sourceOf('pdb/test_topology_triclinic.pdb'));
    const { lengths, angles } = boxLengthsAngles(tric.frames[0].box!);
    expectClose(
      [lengths, angles],
      [
        [80, 80, 80],
        [60, 60, 90],
      ],
    );
    const dummy = await readAllFrames(sourceOf('pdb/1vii_3frames.pdb'));
    expect(dummy.frames[0].box).toBeUndefined();
  });
});

describe('byte sources', () => {
  it('reads a file that sits at an odd offset inside a larger shared buffer (pooled small Buffers)', async () => {
    for (const rel of ['dcd/protein.dcd', 'trr/test_5atoms.trr', 'nc/ace_mbondi3.nc', 'xtc/frame0.xtc']) {
      const bytes = fileBytes(rel);
      const pool = new Uint8Array(bytes.length + 4099).fill(0xab);
      pool.set(bytes, 3);
      const shared = pool.subarray(3, 3 + bytes.length);
      const a = await readAllFrames(bytesSource(rel, shared));
      const b = await readAllFrames(sourceOf(rel));
      expect(a.frames.length).toBe(b.frames.length);
      expect(Array.from(a.frames.at(-1)!.coords)).toEqual(Array.from(b.frames.at(-1)!.coords));
      // The pool around the file is never written (molstar's TRR reader byte-swaps in place).
      expect(pool[0]).toBe(0xab);
      expect(pool[pool.length - 1]).toBe(0xab);
      expect(Array.from(shared)).toEqual(Array.from(bytes));
    }
  });

  it('streams from disk through the Node file source', async () => {
    const source = await fileSource(TRAJ_DIR + 'xtc/frame0.xtc');
    try {
      const { frames } = await readAllFrames(source);
      expect(source.name).toBe('frame0.xtc');
      expect(frames.length).toBe(501);
    } finally {
      await source.close();
    }
  });
});
