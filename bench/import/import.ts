/**
 * Import throughput (MB/s) of our readers against mdtraj 1.9.7 (Debian `python3-mdtraj`, C/Cython
 * readers) on the same files, run alternately so both see the same machine load.
 *
 *   node --import tsx bench/import/import.ts [--size-mb 64] [--reps 3] [--json]
 *
 * The files are the shared XTC (cobrotoxin, 19 385 atoms) and LAMMPS-written DCD (12 421 atoms)
 * repeated on disk to --size-mb, read from disk frame by frame (ours: openTrajectory through the Node
 * file source; mdtraj: XTCTrajectoryFile / DCDTrajectoryFile .read()).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openTrajectory } from '../../src/core/io/open.js';
import { readDcdLayout } from '../../src/core/io/readers/dcd.js';
import { bytesSource } from '../../src/core/io/source.js';
import { withFileSource } from '../../src/main/io/fileSource.js';

const { values: opt } = parseArgs({
  options: {
    'size-mb': { type: 'string', default: '64' },
    reps: { type: 'string', default: '3' },
    json: { type: 'boolean', default: false },
  },
});
const sizeMb = Number(opt['size-mb']);
const reps = Number(opt.reps);
const log = (s: string): void => void process.stderr.write(`${s}\n`);
const TRAJ = fileURLToPath(new URL('../../../shared/trajectories/', import.meta.url));

const PYTHON = `
import sys, time, json
import mdtraj.formats as F
kind, path = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
cls = F.XTCTrajectoryFile if kind == 'xtc' else F.DCDTrajectoryFile
with cls(path) as f:
    xyz = f.read()[0]
print(json.dumps({"seconds": time.perf_counter() - t0, "frames": int(xyz.shape[0])}))
`;

/** Debian's interpreter carries python3-mdtraj; a pyenv `python3` on PATH may not. */
const PY = process.env.BGW_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

function mdtrajMissing(): string | null {
  const r = spawnSync(PY, ['-c', 'import mdtraj'], { encoding: 'utf8' });
  return r.status === 0 ? null : 'mdtraj is not installed (apt-get install -y python3-mdtraj)';
}

function buildFile(dir: string, kind: 'xtc' | 'dcd'): Promise<string> {
  return (async () => {
    const rel = kind === 'xtc' ? 'xtc/cobrotoxin.xtc' : 'dcd/ifabp_apo_100mM_lammps.dcd';
    const bytes = new Uint8Array(readFileSync(TRAJ + rel));
    const first = kind === 'dcd' ? (await readDcdLayout(bytesSource(rel, bytes))).firstFrame : 0;
    const head = bytes.subarray(0, first);
    const body = bytes.subarray(first);
    const times = Math.max(1, Math.round((sizeMb * 2 ** 20) / body.length));
    const out = new Uint8Array(head.length + body.length * times);
    out.set(head);
    for (let i = 0; i < times; i++) out.set(body, head.length + i * body.length);
    const path = join(dir, `bench.${kind}`);
    writeFileSync(path, out);
    return path;
  })();
}

async function ours(path: string): Promise<{ seconds: number; frames: number }> {
  const t0 = performance.now();
  let frames = 0;
  await withFileSource(path, async (source) => {
    const reader = await openTrajectory(source);
    for await (const frame of reader.frames()) {
      void frame;
      frames++;
    }
  });
  return { seconds: (performance.now() - t0) / 1000, frames };
}

function theirs(kind: string, path: string): { seconds: number; frames: number } {
  const r = spawnSync(PY, ['-c', PYTHON, kind, path], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`mdtraj failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { seconds: number; frames: number };
}

const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

async function main(): Promise<void> {
  const missing = mdtrajMissing();
  if (missing) log(`bench/import: ${missing}; timing our readers only`);
  const dir = mkdtempSync(join(tmpdir(), 'bgw-import-bench-'));
  const results: Record<string, unknown> = {};
  try {
    for (const kind of ['xtc', 'dcd'] as const) {
      const path = await buildFile(dir, kind);
      const mb = readFileSync(path).length / 2 ** 20;
      const o: number[] = [];
      const t: number[] = [];
      let frames = 0;
      for (let r = 0; r < reps; r++) {
        const a = await ours(path);
        o.push(mb / a.seconds);
        frames = a.frames;
        if (!missing) {
          const b = theirs(kind, path);
          if (b.frames !== a.frames)
            throw new Error(`${kind}: mdtraj read ${b.frames} frames, we read ${a.frames}`);
          t.push(mb / b.seconds);
        }
      }
      const row = {
        sizeMb: Number(mb.toFixed(1)),
        frames,
        oursMBps: Number(median(o).toFixed(1)),
        mdtrajMBps: missing ? null : Number(median(t).toFixed(1)),
        ratio: missing ? null : Number((median(o) / median(t)).toFixed(3)),
      };
      results[kind] = row;
      log(
        `${kind}: ${row.sizeMb} MB, ${frames} frames: ours ${row.oursMBps} MB/s, mdtraj ${row.mdtrajMBps ?? '-'} MB/s, ours/mdtraj ${row.ratio ?? '-'}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (opt.json) process.stdout.write(`${JSON.stringify({ reps, results })}\n`);
}

await main();
