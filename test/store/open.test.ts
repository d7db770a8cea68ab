import { mkdtempSync, readFileSync, writeFileSync, copyFileSync, truncateSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Store, ProjectError } from '../../src/main/store/store.js';
import { SCHEMA_VERSION, APPLICATION_ID, MIGRATIONS } from '../../src/main/store/schema.js';
import { RunSpec } from '../../src/shared/runspec.js';

const dir = mkdtempSync(join(tmpdir(), 'bgw-store-'));
let k = 0;
const fresh = (): string => join(dir, `p${k++}.bgw`);

const spec = RunSpec.parse({
  system: { id: 'double-well' },
  data: { source: 'metropolis', samplesPerStart: 100, stepSize: 0.1 },
  flow: { blocks: ['R', 'R'], hidden: [8] },
  training: { batchSize: 16, learningRate: 1e-3, stages: [{ iterations: 10, weights: { ml: 1 } }] },
  sampling: { temperatures: [1], n: 100 },
});

function expectRefused(path: string, code: string, pattern: RegExp): void {
  const before = readFileSync(path);
  let err: unknown;
  try {
    Store.open(path).close();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ProjectError);
  expect((err as ProjectError).code).toBe(code);
  expect((err as Error).message).toMatch(pattern);
  // Byte for byte unchanged.
  expect(readFileSync(path).equals(before)).toBe(true);
}

describe('project files', () => {
  it('creates a project with WAL, foreign keys, application id and schema version', () => {
    const p = fresh();
    const s = Store.create(p, 'demo');
    expect(s.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(s.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(s.db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    expect(s.meta()).toMatchObject({ name: 'demo', schemaVersion: SCHEMA_VERSION });
    s.close();
    const again = Store.open(p);
    expect(again.meta().name).toBe('demo');
    expect(again.integrityCheck()).toBe('ok');
    again.close();
    expect(() => Store.create(p, 'x')).toThrow(/already exists/);
  });

  it('refuses a text file, an empty file, a foreign SQLite file, a newer schema and a truncated project, unchanged', () => {
    const text = fresh();
    writeFileSync(text, 'hello, this is not a database\n'.repeat(10));
    expectRefused(text, 'not_a_project', /not a Boltzmann Workbench project/);

    const empty = fresh();
    writeFileSync(empty, '');
    expectRefused(empty, 'not_a_project', /not an SQLite database/);

    const foreign = fresh();
    const f = new Database(foreign);
    f.exec('CREATE TABLE t (a); INSERT INTO t VALUES (1)');
    f.close();
    expectRefused(foreign, 'not_a_project', /SQLite database but not/);

    const newer = fresh();
    Store.create(newer, 'n').close();
    const n = new Database(newer);
    n.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    n.pragma('journal_mode = DELETE');
    n.close();
    expectRefused(newer, 'newer_schema', /newer Boltzmann Workbench/);

    const big = fresh();
    const s = Store.create(big, 'big');
    s.datasets.insert({
      name: 'd',
      systemId: 'double-well',
      frames: 20000,
      dim: 2,
      source: 'test',
      x: new Float32Array(40000),
      provenance: {},
    });
    s.db.pragma('wal_checkpoint(TRUNCATE)');
    s.db.pragma('journal_mode = DELETE');
    s.close();
    const truncated = fresh();
    copyFileSync(big, truncated);
    truncateSync(truncated, Math.floor(statSync(big).size / 2));
    expectRefused(truncated, 'corrupt', /truncated/);

    expect(() => Store.open(join(dir, 'missing.bgw'))).toThrow(/does not exist/);
  });

  it('migrates an older project forward, keeping its data, and rolls a failed migration back', () => {
    const p = fresh();
    const s = Store.create(p, 'old');
    const run = s.runs.create(spec);
    s.close();
    const broken = [...MIGRATIONS, 'ALTER TABLE runs ADD COLUMN note TEXT; SELECT * FROM no_such_table;'];
    expect(() => Store.open(p, { migrations: broken })).toThrow(/no_such_table/);
    const still = Store.open(p);
    expect(still.meta().schemaVersion).toBe(SCHEMA_VERSION);
    still.close();

    const next = [...MIGRATIONS, `ALTER TABLE runs ADD COLUMN note TEXT NOT NULL DEFAULT 'none'`];
    const v2 = Store.open(p, { migrations: next });
    expect(v2.meta().schemaVersion).toBe(SCHEMA_VERSION + 1);
    expect(v2.db.prepare('SELECT id, note FROM runs').all()).toEqual([{ id: run.id, note: 'none' }]);
    v2.close();
    // This build now meets a newer file: refused, unchanged.
    expectRefused(
      p,
      'newer_schema',
      new RegExp(`schema ${SCHEMA_VERSION + 1}; this version reads up to ${SCHEMA_VERSION}`),
    );
  });

  it('migrates a schema-2 project to walker populations, keeping its sample sets', () => {
    const p = fresh();
    const s = Store.create(p, 'v2');
    const run = s.runs.create(spec);
    const set = {
      temperature: 1,
      n: 2,
      dim: 2,
      z: Float32Array.of(0, 1, 2, 3),
      x: Float32Array.of(4, 5, 6, 7),
      energy: Float64Array.of(1, 2),
      logWeights: Float64Array.of(-1, -2),
    };
    const old = s.samples.insert(run.id, set, 1.5);
    s.close();
    // Play a file written by the schema-2 build: no islands column.
    const raw = new Database(p);
    raw.exec('ALTER TABLE sample_sets DROP COLUMN islands');
    raw.pragma('user_version = 2');
    raw.close();
    const s3 = Store.open(p);
    expect(s3.meta().schemaVersion).toBe(SCHEMA_VERSION);
    const back = s3.samples.get(old.id)!;
    expect(Array.from(back.logWeights)).toEqual([-1, -2]);
    expect(back.islands).toBeNull();
    const resampled = s3.samples.insert(run.id, { ...set, islands: Int32Array.of(0, 1) }, 1.5);
    expect(Array.from(s3.samples.get(resampled.id)!.islands!)).toEqual([0, 1]);
    s3.close();
  });

  it('migrates a schema-1 project to held-out ML metrics, keeping its metrics rows', () => {
    const p = fresh();
    const s = Store.create(p, 'v1');
    const run = s.runs.create(spec);
    s.close();
    // Play a file written by the schema-1 build: no ml_validation column, one metrics row.
    const raw = new Database(p);
    raw.exec('ALTER TABLE metrics DROP COLUMN ml_validation');
    raw.exec('ALTER TABLE sample_sets DROP COLUMN islands');
    raw
      .prepare(
        `INSERT INTO metrics (run_id, iteration, stage, loss, ml, kl, rc, grad_norm, ess_fraction, skipped, time)
       VALUES (?, 0, 0, 1.5, 1.5, NULL, NULL, 2, NULL, 0, 0.1)`,
      )
      .run(run.id);
    raw.pragma('user_version = 1');
    raw.close();
    const s2 = Store.open(p);
    expect(s2.meta().schemaVersion).toBe(SCHEMA_VERSION);
    expect(s2.runs.metrics(run.id)).toEqual([
      {
        iteration: 0,
        stage: 0,
        loss: 1.5,
        ml: 1.5,
        kl: null,
        rc: null,
        gradNorm: 2,
        essFraction: null,
        skipped: 0,
        time: 0.1,
      },
    ]);
    const row = {
      iteration: 1,
      stage: 0,
      loss: 1,
      ml: 1,
      kl: null,
      rc: null,
      gradNorm: 1,
      essFraction: null,
      skipped: 0,
      time: 0.2,
    };
    s2.runs.appendMetrics(run.id, [{ ...row, mlValidation: 3.25 }]);
    expect(s2.runs.metrics(run.id, 0)).toEqual([{ ...row, mlValidation: 3.25 }]);
    s2.close();
  });

  it('marks a run left running by a dead process as interrupted on open, not one whose process lives', () => {
    const p = fresh();
    const s = Store.create(p, 'crash');
    const dead = s.runs.create(spec);
    const alive = s.runs.create(spec);
    s.runs.markRunning(dead.id, 'wasm');
    s.runs.markRunning(alive.id, 'wasm');
    // A pid that has exited: a finished child process.
    const child = spawnSync(process.execPath, ['-e', '0']);
    s.db.prepare('UPDATE runs SET owner_pid = ? WHERE id = ?').run(child.pid, dead.id);
    s.close();
    const again = Store.open(p);
    expect(again.runs.get(dead.id)!.status).toBe('interrupted');
    expect(again.runs.get(alive.id)!.status).toBe('running');
    again.close();
  });

  it('stores metrics in batches, checkpoints with pruning, and rewinds for a resume', () => {
    const s = Store.create(fresh(), 'm');
    const run = s.runs.create(spec);
    const rows = Array.from({ length: 10 }, (_, i) => ({
      iteration: i,
      stage: 0,
      loss: 10 - i,
      ml: 10 - i,
      kl: null,
      rc: null,
      gradNorm: 1,
      essFraction: null,
      skipped: 0,
      time: i * 0.1,
    }));
    s.runs.appendMetrics(run.id, rows.slice(0, 6));
    for (const it of [2, 4, 6]) s.runs.saveCheckpoint(run.id, it, new Uint8Array([it, it + 1]));
    s.runs.keepCheckpoints = 2;
    s.runs.saveCheckpoint(run.id, 8, new Uint8Array([8, 9]));
    expect(s.runs.checkpointIterations(run.id)).toEqual([2, 4, 6, 8]);
    expect(s.runs.checkpoint(run.id)!.bytes).toEqual(new Uint8Array([8, 9]));
    expect(s.db.prepare('SELECT COUNT(*) AS c FROM checkpoints WHERE bytes IS NOT NULL').get()).toEqual({
      c: 2,
    });
    expect(s.runs.get(run.id)!.iterations).toBe(8);
    s.runs.rewindTo(run.id, 4);
    expect(s.runs.checkpointIterations(run.id)).toEqual([2, 4]);
    expect(s.runs.metrics(run.id).map((r) => r.iteration)).toEqual([0, 1, 2, 3]);
    expect(s.runs.metrics(run.id, 1)[0]).toEqual(rows[2]);
    s.close();
  });

  it('lets a second, read-only connection read metrics while the first writes', () => {
    const p = fresh();
    const w = Store.create(p, 'rw');
    const run = w.runs.create(spec);
    w.runs.markRunning(run.id, 'cpu');
    const r = Store.open(p, { readonly: true });
    for (let i = 0; i < 5; i++) {
      w.runs.appendMetrics(run.id, [
        {
          iteration: i,
          stage: 0,
          loss: i,
          ml: i,
          kl: null,
          rc: null,
          gradNorm: 0,
          essFraction: null,
          skipped: 0,
          time: 0,
        },
      ]);
      expect(r.runs.metrics(run.id)).toHaveLength(i + 1);
      expect(r.runs.get(run.id)!.status).toBe('running');
    }
    r.close();
    w.close();
  });
});
