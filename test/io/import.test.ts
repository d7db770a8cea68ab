import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { importTrajectory } from '../../src/core/io/import.js';
import { bytesSource } from '../../src/core/io/source.js';
import { TrajectoryError } from '../../src/core/io/errors.js';
import { writeXyz } from '../../src/core/io/writers/xyz.js';
import { fileBytes, sourceOf } from './helpers.js';

const opts = { systemId: 'sys' };

describe('importTrajectory', () => {
  it('selects atoms (0-based), keeps 3D coordinates, records provenance with the file hash', async () => {
    const bytes = fileBytes('dcd/protein.dcd');
    const r = await importTrajectory(
      sourceOf('dcd/protein.dcd'),
      { dim: 9, particles: 3, spatialDims: 3 },
      { ...opts, atoms: '0-2', scale: 0.1 },
    );
    expect(r.nFrames).toBe(10);
    // First frame, atoms 0-2 (ground truth), times scale 0.1.
    expect(r.frames[0]).toBeCloseTo(0.592561, 5);
    expect(r.frames[4]).toBeCloseTo(-0.052321, 5);
    expect(r.provenance).toMatchObject({
      fileName: 'protein.dcd',
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      format: 'dcd',
      units: 'angstrom',
      scale: 0.1,
      atoms: 22,
      selection: '0-2',
      plane: null,
      stride: 1,
      frameRange: [0, null],
      framesRead: 10,
      framesKept: 10,
    });
  });

  it('takes atoms in the order written and refuses a particle-count mismatch with a hint', async () => {
    const r = await importTrajectory(
      sourceOf('xyz/test_trailing_blank_line.xyz'),
      { dim: 6, particles: 2, spatialDims: 3 },
      { ...opts, atoms: '2,0' },
    );
    expect(Array.from(r.frames.subarray(0, 6))).toEqual([6, 7, 8, 0, 1, 2]);
    await expect(
      importTrajectory(
        sourceOf('xyz/test_trailing_blank_line.xyz'),
        { dim: 6, particles: 2, spatialDims: 3 },
        opts,
      ),
    ).rejects.toThrow(/has 5 atoms, the system has 2 particles; choose atoms with a selection like "0-1"/);
    await expect(
      importTrajectory(
        sourceOf('xyz/test_trailing_blank_line.xyz'),
        { dim: 6, particles: 2, spatialDims: 3 },
        { ...opts, atoms: '4-5' },
      ),
    ).rejects.toThrow(/index 5 is out of range/);
  });

  it('projects onto a plane for 2D systems and refuses a non-constant dropped axis unless allowed', async () => {
    const x = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const flat = new TextEncoder().encode(writeXyz(x, 2, 2, 2));
    const r = await importTrajectory(
      bytesSource('flat.xyz', flat),
      { dim: 4, particles: 2, spatialDims: 2 },
      opts,
    );
    expect(Array.from(r.frames)).toEqual(Array.from(x));
    expect(r.provenance.plane).toBe('xy');
    const target = { dim: 10, particles: 5, spatialDims: 2 };
    await expect(
      importTrajectory(sourceOf('xyz/test_trailing_blank_line.xyz'), target, opts),
    ).rejects.toThrow(/dropped z axis of plane xy is not constant/);
    const yz = await importTrajectory(sourceOf('xyz/test_trailing_blank_line.xyz'), target, {
      ...opts,
      plane: 'yz',
      allowNonConstantAxis: true,
    });
    expect(Array.from(yz.frames.subarray(0, 4))).toEqual([1, 2, 4, 5]);
    expect(yz.warnings.join()).toMatch(/dropped x axis of plane yz is not constant/);
  });

  it('applies stride and frame range [start, end)', async () => {
    const r = await importTrajectory(
      sourceOf('xtc/frame0.xtc'),
      { dim: 66, particles: 22, spatialDims: 3 },
      { ...opts, stride: 100, frames: [50, 400] },
    );
    expect(r.nFrames).toBe(4); // frames 50, 150, 250, 350
    expect(r.provenance.frameRange).toEqual([50, 400]);
    const all = await importTrajectory(
      sourceOf('xtc/frame0.xtc'),
      { dim: 66, particles: 22, spatialDims: 3 },
      opts,
    );
    expect(Array.from(r.frames.subarray(66, 132))).toEqual(
      Array.from(all.frames.subarray(150 * 66, 151 * 66)),
    );
    expect(all.warnings.join()).toMatch(/no scale given/);
  });

  it('passes the truncated-frame warning through to the user', async () => {
    const r = await importTrajectory(
      sourceOf('dcd/protein_truncated.dcd'),
      { dim: 66, particles: 22, spatialDims: 3 },
      { ...opts, scale: 1 },
    );
    expect(r.nFrames).toBe(9);
    expect(r.warnings).toContain(
      'protein_truncated.dcd: frame 9 is truncated (expected 344 bytes, got 304); dropped it and kept 9 complete frames',
    );
  });

  it('rejects a varying atom count naming the frame', async () => {
    const err = await importTrajectory(
      sourceOf('xyz/extxyz_varying_natoms.extxyz'),
      { dim: 6, particles: 2, spatialDims: 3 },
      opts,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrajectoryError);
    expect((err as TrajectoryError).frame).toBe(1);
    expect((err as Error).message).toMatch(
      /extxyz_varying_natoms\.extxyz: frame 1 has 4 atoms, frame 0 has 2/,
    );
  });

  it('reports progress and cancels with a CancellationError', async () => {
    const seen: number[] = [];
    await importTrajectory(sourceOf('xtc/frame0.xtc'), { dim: 66, particles: 22, spatialDims: 3 }, opts, {
      onProgress: (f) => seen.push(f),
    });
    expect(seen[0]).toBe(0);
    expect(seen.at(-1)).toBe(1);
    expect(seen.length).toBeGreaterThan(4);
    expect(seen.every((f, i) => i === 0 || f >= seen[i - 1])).toBe(true);
    const controller = new AbortController();
    const p = importTrajectory(sourceOf('xtc/frame0.xtc'), { dim: 66, particles: 22, spatialDims: 3 }, opts, {
      signal: controller.signal,
      onProgress: (f) => {
        if (f > 0.2) controller.abort();
      },
    });
    await expect(p).rejects.toMatchObject({ name: 'CancellationError' });
  });

  it('relabels identical particles to the reference by Hungarian assignment', async () => {
    // Reference: particles at x = 0, 10, 20 (2D). Frame: particles 1 and 2 swapped.
    const reference = Float64Array.from([0, 0, 10, 0, 20, 0]);
    const frame = Float32Array.from([0.1, 0, 20.2, 0, 9.9, 0]);
    const text = writeXyz(frame, 1, 3, 2);
    const target = { dim: 6, particles: 3, spatialDims: 2, reference, identical: [1, 2] };
    const plain = await importTrajectory(bytesSource('s.xyz', new TextEncoder().encode(text)), target, opts);
    expect(Array.from(plain.frames)).toEqual(Array.from(frame));
    const r = await importTrajectory(bytesSource('s.xyz', new TextEncoder().encode(text)), target, {
      ...opts,
      relabel: true,
    });
    expect(Array.from(r.frames)).toEqual([Math.fround(0.1), 0, Math.fround(9.9), 0, Math.fround(20.2), 0]);
  });

  it('refuses an empty frame selection and an unknown format', async () => {
    await expect(
      importTrajectory(
        sourceOf('dcd/protein.dcd'),
        { dim: 66, particles: 22, spatialDims: 3 },
        { ...opts, frames: [50, 60] },
      ),
    ).rejects.toThrow(/no frames in range/);
    await expect(
      importTrajectory(
        sourceOf('dcd/protein.dcd'),
        { dim: 66, particles: 22, spatialDims: 3 },
        { ...opts, format: 'mol2' },
      ),
    ).rejects.toThrow(/unknown format 'mol2'/);
  });

  it('a LAMMPS import without units warns that Angstrom was assumed; declaring units silences it', async () => {
    const target = { dim: 66, particles: 22, spatialDims: 3 };
    const guessed = await importTrajectory(sourceOf('lammps/chain_dump_1.lammpstrj'), target, {
      systemId: 's',
      scale: 1,
    });
    expect(guessed.warnings.join()).toMatch(/do not store their length unit; assumed angstrom/);
    const declared = await importTrajectory(sourceOf('lammps/chain_dump_1.lammpstrj'), target, {
      systemId: 's',
      units: 'reduced',
    });
    expect(declared.warnings).toEqual([]);
    expect(declared.provenance.units).toBe('reduced');
  });
});
