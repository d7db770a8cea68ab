/**
 * `bgw` end to end as a user runs it: every command with --json gives exactly one JSON document on
 * stdout (no banners), progress goes to stderr, errors are one line with a non-zero exit code.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeNpy, parsePlumedGrid } from '../../src/core/io/writers/index.js';
import { Store } from '../../src/main/store/store.js';
import { smallSpec, tempDir } from '../services/helpers.js';
import { bgw, spawnBgw, type CliResult } from './cli.js';
import { SCHEMA_VERSION } from '../../src/main/store/schema.js';

const dir = tempDir('bgw-cli-');
const project = join(dir, 'p.bgw');
const specFile = join(dir, 'spec.json');

function json<T>(r: CliResult): T {
  if (r.code !== 0) throw new Error(`bgw exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

function expectCleanError(r: CliResult, pattern: RegExp): void {
  expect(r.code).not.toBe(0);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^bgw: error: /);
  expect(lines[0]).toMatch(pattern);
}

beforeAll(() => {
  writeFileSync(
    specFile,
    JSON.stringify(
      smallSpec({
        training: {
          batchSize: 64,
          learningRate: 5e-3,
          checkpointEvery: 10,
          stages: [{ iterations: 20, weights: { ml: 1 } }],
        },
        sampling: { temperatures: [1, 2], n: 1000 },
      }),
    ),
  );
});

describe('bgw', () => {
  it('runs a spec in memory and writes the result JSON (--out), stdout pure JSON', async () => {
    const out = join(dir, 'result.json');
    const r = await bgw(['run', specFile, '--out', out, '--json']);
    const result = json<{
      iterations: number;
      backend: string;
      temperatures: { temperature: number; deltaF: { value: number } }[];
    }>(r);
    expect(result.iterations).toBe(20);
    expect(result.temperatures.map((t) => t.temperature)).toEqual([1, 2]);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(result);
    expect(r.stderr).toMatch(/\[#+-*\]\s+\d+%/);
  });

  it('creates a project, trains into it, samples, analyses, exports and imports, all recorded in history', async () => {
    const created = json<{ path: string; schemaVersion: number }>(
      await bgw(['project', 'create', project, '--json']),
    );
    expect(created).toMatchObject({ path: project, schemaVersion: SCHEMA_VERSION });

    const { runId, result } = json<{ runId: string; result: { iterations: number } }>(
      await bgw(['run', specFile, '--project', project, '--json']),
    );
    expect(result.iterations).toBe(20);

    const sample = json<{ sampleSetId: string; n: number; temperature: number; ess: number }>(
      await bgw(['sample', project, '--run', runId, '--temperature', '1.5', '--n', '800', '--json']),
    );
    expect(sample).toMatchObject({ n: 800, temperature: 1.5 });
    expect(sample.ess).toBeGreaterThan(1);
    const annealed = json<{ n: number; ess: number }>(
      await bgw([
        'sample',
        project,
        '--run',
        runId,
        '--temperature',
        '1.5',
        '--n',
        '400',
        '--anneal',
        '5',
        '--proposal',
        'langevin',
        '--resample-below',
        '0.5',
        '--json',
      ]),
    );
    expect(annealed.n).toBe(400);
    expect(annealed.ess).toBeGreaterThan(1);

    const fe = json<{ analysisId: string; profile: { rc: number; F: number }[]; deltaF: { value: number } }>(
      await bgw([
        'free-energy',
        project,
        '--samples',
        sample.sampleSetId,
        '--bins',
        '25',
        '--range',
        '-2.5,2.5',
        '--bootstrap',
        '5',
        '--json',
      ]),
    );
    expect(fe.profile.length).toBeGreaterThan(5);

    const fes = join(dir, 'fes.dat');
    json(
      await bgw(['export', 'profile', project, fe.analysisId, '--format', 'plumed', '--out', fes, '--json']),
    );
    const grid = parsePlumedGrid(readFileSync(fes, 'utf8'));
    // The whole grid (25 points, PLUMED's nbins = points − 1 when not periodic); empty bins are +∞.
    expect(grid.set.nbins_x1).toBe('24');
    expect(grid.columns.x1).toHaveLength(25);
    expect(grid.columns['file.free'].filter(Number.isFinite)).toEqual(
      fe.profile.map((p) => Number(p.F.toFixed(9))),
    );
    expect(grid.columns['file.free'].filter((v) => v === Infinity)).toHaveLength(25 - fe.profile.length);

    const xyz = join(dir, 'samples.xyz');
    json(
      await bgw([
        'export',
        'samples',
        project,
        sample.sampleSetId,
        '--format',
        'xyz',
        '--out',
        xyz,
        '--json',
      ]),
    );
    const imported = json<{ datasetId: string; frames: number; atoms: number }>(
      await bgw(['import', project, xyz, '--system', 'double-well', '--plane', 'xy', '--json']),
    );
    expect(imported).toMatchObject({ frames: 800, atoms: 1 });

    const npy = join(dir, 'dataset.npy');
    json(
      await bgw([
        'export',
        'dataset',
        project,
        imported.datasetId,
        '--format',
        'npy',
        '--out',
        npy,
        '--json',
      ]),
    );
    const arr = decodeNpy(new Uint8Array(readFileSync(npy)));
    expect(arr.shape).toEqual([800, 2]);
    const store = Store.open(project, { readonly: true });
    const x = store.samples.get(sample.sampleSetId)!.x;
    store.close();
    let maxErr = 0;
    for (let i = 0; i < x.length; i++) maxErr = Math.max(maxErr, Math.abs(arr.data[i] - x[i]));
    expect(maxErr).toBeLessThan(1e-6);

    const history = json<{ kind: string; id: string; detail: Record<string, unknown> }[]>(
      await bgw(['history', project, '--json']),
    );
    const kinds = history.map((h) => h.kind);
    for (const k of ['system', 'run', 'samples', 'analysis', 'dataset', 'export']) expect(kinds).toContain(k);
    expect(history.filter((h) => h.kind === 'export').map((h) => h.detail.format)).toEqual([
      'plumed',
      'xyz',
      'npy',
    ]);
    expect(history.find((h) => h.id === runId)!.detail.status).toBe('completed');

    const human = await bgw(['history', project]);
    expect(human.stdout).toMatch(new RegExp(`run\\s+${runId}.*\\[completed 20/20\\]`));
    const info = json<{ runs: number; sampleSets: number; exports: number }>(
      await bgw(['project', 'info', project, '--json']),
    );
    expect(info).toMatchObject({ runs: 1, sampleSets: 4, exports: 3 });
  });

  it('reads history from a second process while a run writes; Ctrl-C cancels the run', async () => {
    const live = join(dir, 'live.bgw');
    const longSpec = join(dir, 'long.json');
    writeFileSync(
      longSpec,
      JSON.stringify(
        smallSpec({
          training: {
            batchSize: 64,
            learningRate: 5e-3,
            checkpointEvery: 10,
            stages: [{ iterations: 100_000, weights: { ml: 1 } }],
          },
        }),
      ),
    );
    const { child, result } = spawnBgw(['run', longSpec, '--project', live]);
    // The progress line is throttled, so any iteration count past 10 will do (not exactly "10/").
    await new Promise<void>((resolve) => {
      let seen = '';
      child.stderr!.on('data', (d: Buffer) => {
        seen = (seen + d.toString()).slice(-4096);
        const counts = [...seen.matchAll(/Iteration (\d+)\//g)].map((m) => Number(m[1]));
        if (counts.some((n) => n >= 10)) resolve();
      });
    });
    const during = json<{ kind: string; detail: { status?: string; iterations?: number } }[]>(
      await bgw(['history', live, '--json']),
    );
    const run = during.find((h) => h.kind === 'run')!;
    expect(run.detail.status).toBe('running');
    expect(run.detail.iterations).toBeGreaterThanOrEqual(10);
    child.kill('SIGINT');
    const r = await result;
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/bgw: error: training job cancelled/);
    const after = json<{ kind: string; detail: { status?: string; iterations?: number } }[]>(
      await bgw(['history', live, '--json']),
    );
    const cancelled = after.find((h) => h.kind === 'run')!.detail;
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.iterations).toBeGreaterThanOrEqual(run.detail.iterations!);
  });

  it('fails with one clear line and a non-zero code', async () => {
    const notProject = join(dir, 'notes.txt');
    writeFileSync(notProject, 'not a project\n');
    const before = readFileSync(notProject);
    expectCleanError(
      await bgw(['project', 'info', notProject, '--json']),
      /not a Boltzmann Workbench project/,
    );
    expect(readFileSync(notProject).equals(before)).toBe(true);
    expectCleanError(await bgw(['history', join(dir, 'missing.bgw')]), /does not exist/);
    expectCleanError(await bgw(['run', join(dir, 'missing.json')]), /cannot read run spec/);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ system: { id: 'double-well' } }));
    expectCleanError(await bgw(['run', bad]), /invalid run spec .*: data/);
    expectCleanError(
      await bgw(['export', 'movie', project, 'x', '--format', 'csv', '--out', join(dir, 'x.csv')]),
      /cannot export "movie"/,
    );
    expectCleanError(
      await bgw(['sample', project, '--run', 'run-nope', '--temperature', '1', '--n', '10']),
      /run run-nope not found/,
    );
    expectCleanError(await bgw(['resume', project, '--run', 'run-nope']), /run run-nope not found/);
    expectCleanError(
      await bgw(['sample', project, '--run', 'r', '--temperature', '1']),
      /required option '--n <N>'/,
    );
    const sample = (...extra: string[]) =>
      bgw(['sample', project, '--run', 'r', '--temperature', '1', '--n', '5', ...extra]);
    expectCleanError(await sample('--walkers-per-state', '3'), /--walkers-per-state needs --anneal/);
    expectCleanError(
      await sample('--anneal', '3', '--proposal', 'gibbs'),
      /annealing option proposal: .*"walk"\|"langevin"\|"hmc"/,
    );
  });
});
