import { describe, expect, it } from 'vitest';
import { openTrajectory, STREAMING_FORMATS } from '../../src/core/io/open.js';
import { readDcdLayout } from '../../src/core/io/readers/dcd.js';
import { netcdfLayout } from '../../src/core/io/molstar.js';
import type { ByteSource } from '../../src/core/io/source.js';
import { fileBytes, sourceOf } from './helpers.js';
import { repeatSource } from './repeatSource.js';

const GB = 2 ** 30;

/** Counts what a reader pulls from its source. */
function metered(source: ByteSource): { source: ByteSource; total: () => number; largest: () => number } {
  let total = 0;
  let largest = 0;
  return {
    source: {
      name: source.name,
      size: source.size,
      async read(offset, length) {
        const bytes = await source.read(offset, length);
        total += bytes.length;
        largest = Math.max(largest, bytes.length);
        return bytes;
      },
    },
    total: () => total,
    largest: () => largest,
  };
}

async function virtualGigabyte(rel: string): Promise<ByteSource> {
  const bytes = fileBytes(rel);
  let head: Uint8Array = new Uint8Array(0);
  let body: Uint8Array = bytes;
  if (rel.endsWith('.dcd')) {
    // DCD: one header, then the frames repeated.
    const { firstFrame } = await readDcdLayout(sourceOf(rel));
    head = bytes.subarray(0, firstFrame);
    body = bytes.subarray(firstFrame);
  }
  if (rel.endsWith('.nc')) {
    // NetCDF: the header switched to streaming mode (numrecs = 0xffffffff), then the records repeated.
    const { numrecs, recordStep, variables } = netcdfLayout(bytes);
    const first = Math.min(
      ...Object.values(variables)
        .filter((v) => v.record)
        .map((v) => v.offset),
    );
    head = bytes.slice(0, first);
    new DataView(head.buffer).setUint32(4, 0xffffffff);
    body = bytes.subarray(first, first + numrecs * recordStep);
  }
  if (/\.(gro|xyz|lammpstrj)$/.test(rel) && body[body.length - 1] !== 10) {
    // Text files that end without a newline would run into their next copy.
    const withNewline = new Uint8Array(body.length + 1);
    withNewline.set(body);
    withNewline[body.length] = 10;
    body = withNewline;
  }
  return repeatSource(rel.split('/').pop()!, head, body, Math.ceil(GB / body.length));
}

describe('large files stream in bounded memory', () => {
  it('declares which formats stream', () => {
    expect([...STREAMING_FORMATS].sort()).toEqual([
      'dcd',
      'gro',
      'lammps',
      'netcdf',
      'pdb',
      'trr',
      'xtc',
      'xyz',
    ]);
  });

  for (const rel of [
    'xtc/cobrotoxin.xtc',
    'trr/cobrotoxin.trr',
    'dcd/ifabp_apo_100mM_lammps.dcd',
    'xyz/2r9r-1b.xyz',
    'lammps/chain_dump_1.lammpstrj',
    'nc/tz2.truncoct.nc',
    'gro/1crn.gro',
  ]) {
    it(`${rel} repeated to 1 GB: the first frames need only megabytes read, in chunks of at most 4 MB + a frame`, async () => {
      const m = metered(await virtualGigabyte(rel));
      expect(m.source.size).toBeGreaterThanOrEqual(GB);
      const reader = await openTrajectory(m.source);
      expect(reader.streaming).toBe(true);
      let n = 0;
      for await (const frame of reader.frames()) {
        expect(frame.coords.length).toBe((reader.atoms as number) * 3);
        if (++n === 6) break;
      }
      expect(n).toBe(6);
      expect(m.total()).toBeLessThan(24 << 20);
      expect(m.largest()).toBeLessThanOrEqual((4 << 20) + (2 << 20));
    });
  }

  it('a 256 MB DCD read to the end keeps the heap growth far below the file size', async () => {
    const bytes = fileBytes('dcd/ifabp_apo_100mM_lammps.dcd');
    const { firstFrame, frameSize } = await readDcdLayout(sourceOf('dcd/ifabp_apo_100mM_lammps.dcd'));
    const times = Math.ceil((256 << 20) / (bytes.length - firstFrame));
    const source = repeatSource('big.dcd', bytes.subarray(0, firstFrame), bytes.subarray(firstFrame), times);
    const reader = await openTrajectory(source);
    const before = process.memoryUsage();
    let peak = 0;
    let n = 0;
    for await (const frame of reader.frames()) {
      void frame;
      if (++n % 50 === 0) {
        const now = process.memoryUsage();
        peak = Math.max(peak, now.heapUsed + now.arrayBuffers - before.heapUsed - before.arrayBuffers);
      }
    }
    expect(n).toBe(Math.floor((source.size - firstFrame) / frameSize));
    expect(peak).toBeLessThan(96 << 20);
  });
});
