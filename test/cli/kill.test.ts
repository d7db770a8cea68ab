/**
 * Crash safety: `bgw run … --project` is SIGKILLed at random points, 20 times. Every time the
 * project passes PRAGMA integrity_check, the run reads as interrupted when reopened, and
 * `bgw resume` continues from the last checkpoint and finishes; checkpoints are never more than
 * checkpointEvery iterations apart and the metrics cover every iteration exactly once.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { Store } from '../../src/main/store/store.js';
import { tempDir } from '../services/helpers.js';
import { bgw, spawnBgw } from './cli.js';

const KILLS = 20;
const LANES = 2;
const TOTAL = 40;
const EVERY = 4;

const spec = {
  name: 'kill test',
  seed: 5,
  system: { id: 'double-well' },
  data: { source: 'metropolis', samplesPerStart: 200, stride: 10, stepSize: 0.3 },
  flow: { blocks: ['R', 'R', 'R', 'R'], hidden: [8, 8] },
  training: {
    batchSize: 32,
    learningRate: 0.005,
    checkpointEvery: EVERY,
    stages: [{ iterations: TOTAL, weights: { ml: 1 } }],
  },
  sampling: { temperatures: [1], n: 200 },
  analysis: { bins: 20, bootstrap: 0 },
};

interface Round {
  lane: number;
  delayMs: number;
  lastCheckpoint: number;
  metricsBefore: number;
}

/** One kill → check → resume round; returns null when the run finished before the kill landed. */
async function round(dir: string, lane: number, rng: Rng, window: { ms: number }): Promise<Round | null> {
  const project = join(dir, `lane${lane}.bgw`);
  const specFile = join(dir, 'spec.json');
  const { child, result } = spawnBgw(['run', specFile, '--project', project]);
  let runId = '';
  let trainingStarted = 0;
  const delayMs = Math.floor(rng.uniform() * window.ms);
  await new Promise<void>((resolve) => {
    child.stderr!.on('data', (d: Buffer) => {
      const text = d.toString();
      runId ||= /run (run-[0-9a-f]+)/.exec(text)?.[1] ?? '';
      if (!trainingStarted && /Preparing training data/.test(text)) {
        trainingStarted = Date.now();
        setTimeout(() => {
          child.kill('SIGKILL');
          resolve();
        }, delayMs);
      }
    });
    child.on('close', () => resolve());
  });
  const r = await result;
  expect(runId).not.toBe('');
  if (r.signal !== 'SIGKILL') {
    // Finished before the kill: widen nothing, shrink the window to what training really takes.
    expect(r.code).toBe(0);
    window.ms = Math.max(200, 0.8 * (Date.now() - trainingStarted));
    return null;
  }

  // Integrity first, with a plain connection (this also replays the WAL, as any reopen would).
  const raw = new Database(project);
  expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
  raw.close();

  const store = Store.open(project);
  const run = store.runs.get(runId)!;
  if (run.status === 'completed') {
    // The kill landed after the run had finished and saved everything: nothing to recover.
    store.close();
    return null;
  }
  expect(run.status).toBe('interrupted');
  // A run's results land with its completion, atomically: none from the killed attempt.
  expect(store.samples.list(runId)).toHaveLength(0);
  const lastCheckpoint = store.runs.checkpoint(runId)?.iteration ?? 0;
  const metricsBefore = store.runs.metrics(runId).length;
  // Metrics are flushed with every checkpoint: at most one interval of rows lies beyond it.
  expect(metricsBefore - lastCheckpoint).toBeLessThanOrEqual(EVERY);
  store.close();

  const resumed = await bgw(['resume', project, '--run', runId, '--json']);
  expect(resumed.stderr).not.toMatch(/error/i);
  expect(resumed.code).toBe(0);
  const out = JSON.parse(resumed.stdout) as { resumedFrom: number; status: string; iterations: number };
  expect(out).toMatchObject({ resumedFrom: lastCheckpoint, status: 'completed', iterations: TOTAL });

  const after = Store.open(project, { readonly: true });
  const cks = after.runs.checkpointIterations(runId);
  expect(cks[0]).toBeLessThanOrEqual(EVERY);
  expect(cks[cks.length - 1]).toBe(TOTAL);
  for (let i = 1; i < cks.length; i++) {
    expect(cks[i] - cks[i - 1]).toBeGreaterThan(0);
    expect(cks[i] - cks[i - 1]).toBeLessThanOrEqual(EVERY);
  }
  expect(after.runs.metrics(runId).map((m) => m.iteration)).toEqual(
    Array.from({ length: TOTAL }, (_, i) => i),
  );
  expect(after.runs.get(runId)!.status).toBe('completed');
  expect(after.samples.list(runId)).toHaveLength(1);
  after.close();
  return { lane, delayMs, lastCheckpoint, metricsBefore };
}

describe('bgw run under SIGKILL', () => {
  it(`survives ${KILLS} kills at random points and resumes every time`, async () => {
    const dir = tempDir('bgw-kill-');
    writeFileSync(join(dir, 'spec.json'), JSON.stringify(spec));
    const rng = new Rng(Number(process.env.BGW_KILL_SEED ?? 2024));
    const window = { ms: 4000 };
    const rounds: Round[] = [];
    let attempts = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: LANES }, async (_, lane) => {
        while (rounds.length < KILLS) {
          attempts++;
          expect(attempts).toBeLessThan(KILLS * 3);
          const r = await round(dir, lane, rng, window);
          if (r) rounds.push(r);
        }
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    console.error(
      `kill test: ${rounds.length} kills in ${attempts} attempts, ${seconds.toFixed(0)} s; resumed from checkpoints ${rounds.map((r) => r.lastCheckpoint).join(',')}`,
    );
    expect(rounds.length).toBeGreaterThanOrEqual(KILLS);
    // The kills landed at different stages of training, not all before the first checkpoint.
    expect(new Set(rounds.map((r) => r.lastCheckpoint)).size).toBeGreaterThan(3);
  }, 600_000);
});
