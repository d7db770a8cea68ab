/**
 * Fuzz runner, run in a child process by fuzz.test.ts so that a decoder stuck in a synchronous
 * loop is killed and reported instead of hanging the test run. Prints one JSON line per case.
 */
import { Rng } from '../../src/core/random.js';
import { openTrajectory } from '../../src/core/io/open.js';
import { bytesSource } from '../../src/core/io/source.js';
import { TrajectoryError } from '../../src/core/io/errors.js';
import { fileBytes, groundTruth } from './helpers.js';

export const CASES_PER_FILE = 15;
const EXTREMES = [0x7fffffff, -1, 0, 0x40000000, -0x80000000, 84, 1995, 1993];

type Mutation = { name: string; apply(b: Uint8Array, rng: Rng): Uint8Array };

const pick = (rng: Rng, n: number): number => Math.floor(rng.uniform() * n);

const MUTATIONS: Mutation[] = [
  {
    name: 'flip bytes',
    apply(b, rng) {
      const c = b.slice();
      for (let k = 1 + pick(rng, 8); k > 0; k--) c[pick(rng, c.length)] ^= 1 + pick(rng, 255);
      return c;
    },
  },
  { name: 'truncate', apply: (b, rng) => b.slice(0, pick(rng, b.length)) },
  {
    name: 'extreme int',
    apply(b, rng) {
      const c = b.slice();
      const o = 4 * pick(rng, Math.max(1, Math.floor(Math.min(c.length, 512) / 4) - 1));
      if (o + 4 <= c.length)
        new DataView(c.buffer).setInt32(o, EXTREMES[pick(rng, EXTREMES.length)], rng.uniform() < 0.5);
      return c;
    },
  },
  {
    name: 'cut a chunk out',
    apply(b, rng) {
      const s = pick(rng, b.length);
      const e = Math.min(b.length, s + 1 + pick(rng, 200));
      const c = new Uint8Array(b.length - (e - s));
      c.set(b.subarray(0, s));
      c.set(b.subarray(e), s);
      return c;
    },
  },
  {
    name: 'duplicate a chunk',
    apply(b, rng) {
      const s = pick(rng, b.length);
      const chunk = b.subarray(s, Math.min(b.length, s + 1 + pick(rng, 200)));
      const c = new Uint8Array(b.length + chunk.length);
      c.set(b.subarray(0, s));
      c.set(chunk, s);
      c.set(b.subarray(s), s + chunk.length);
      return c;
    },
  },
];

async function readOrError(bytes: Uint8Array, name: string): Promise<'ok' | 'error'> {
  try {
    const reader = await openTrajectory(bytesSource(name, bytes));
    for await (const frame of reader.frames()) {
      // Valid data: whole atoms, finite values.
      if (frame.coords.length % reader.dims !== 0) throw new Error(`partial atom in frame ${frame.index}`);
      for (const v of frame.coords)
        if (!Number.isFinite(v)) throw new Error(`non-finite value in frame ${frame.index}`);
    }
    return 'ok';
  } catch (e) {
    if (e instanceof TrajectoryError) return 'error';
    throw e;
  }
}

export async function runFuzz(
  seed: number,
  casesPerFile: number,
  out: (line: string) => void,
): Promise<void> {
  const rng = new Rng(seed);
  // Files up to 100 kB keep the run short; the large ones are covered by the ground-truth test.
  const files = groundTruth().filter((f) => f.bytes <= 100_000 && !f.file.endsWith('.psf'));
  for (const f of files) {
    const original = fileBytes(f.file);
    for (let k = 0; k < casesPerFile; k++) {
      const m = MUTATIONS[pick(rng, MUTATIONS.length)];
      const mutated = m.apply(original, rng);
      const what = `${f.file} (${m.name}, case ${k})`;
      out(JSON.stringify({ start: what }));
      try {
        out(JSON.stringify({ done: what, outcome: await readOrError(mutated, f.file.split('/').pop()!) }));
      } catch (e) {
        out(JSON.stringify({ done: what, failure: `${(e as Error).name}: ${(e as Error).message}` }));
      }
    }
  }
}

if (process.argv[2] === 'run') {
  await runFuzz(Number(process.argv[3]), Number(process.argv[4] ?? CASES_PER_FILE), (line) =>
    process.stdout.write(line + '\n'),
  );
}
