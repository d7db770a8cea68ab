import type { MetricsRow, RunResult, RunSpec } from '../../shared/runspec.js';
import type { Db } from './db.js';
import { bytesFromBlob, toBlob } from './blobs.js';
import { newId, now } from './ids.js';

export type RunStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled' | 'interrupted';

export interface RunRecord {
  id: string;
  name: string | null;
  spec: RunSpec;
  systemId: string;
  status: RunStatus;
  backend: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  iterations: number;
  totalIterations: number;
  wallSeconds: number;
  error: string | null;
  parentRunId: string | null;
  datasetId: string | null;
  result: RunResult | null;
}

export interface CheckpointRecord {
  id: string;
  runId: string;
  iteration: number;
  createdAt: string;
  /** Null once pruned: only the latest few checkpoints of a run keep their bytes. */
  bytes: Uint8Array | null;
}

interface Row {
  id: string;
  name: string | null;
  spec_json: string;
  system_id: string;
  status: RunStatus;
  backend: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  iterations: number;
  total_iterations: number;
  wall_seconds: number;
  error: string | null;
  parent_run_id: string | null;
  dataset_id: string | null;
  result_json: string | null;
}

function toRecord(r: Row): RunRecord {
  return {
    id: r.id,
    name: r.name,
    spec: JSON.parse(r.spec_json) as RunSpec,
    systemId: r.system_id,
    status: r.status,
    backend: r.backend,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    iterations: r.iterations,
    totalIterations: r.total_iterations,
    wallSeconds: r.wall_seconds,
    error: r.error,
    parentRunId: r.parent_run_id,
    datasetId: r.dataset_id,
    result: r.result_json ? (JSON.parse(r.result_json) as RunResult) : null,
  };
}

export function totalIterations(spec: RunSpec): number {
  return spec.training.stages.reduce((s, st) => s + st.iterations, 0);
}

export class RunRepo {
  /** Checkpoints per run that keep their bytes; older ones keep only their row (iteration, time). */
  keepCheckpoints = 3;

  constructor(private readonly db: Db) {}

  create(spec: RunSpec, opts: { parentRunId?: string | null; datasetId?: string | null } = {}): RunRecord {
    const id = newId('run');
    this.db
      .prepare(
        `INSERT INTO runs (id, name, spec_json, system_id, status, created_at, total_iterations, parent_run_id, dataset_id)
         VALUES (?, ?, ?, ?, 'queued', ?, ?, ?, ?)`,
      )
      .run(
        id,
        spec.name ?? null,
        JSON.stringify(spec),
        spec.system.id,
        now(),
        totalIterations(spec),
        opts.parentRunId ?? null,
        opts.datasetId ?? null,
      );
    return this.get(id)!;
  }

  get(id: string): RunRecord | undefined {
    const r = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as Row | undefined;
    return r && toRecord(r);
  }

  list(): RunRecord[] {
    return (this.db.prepare('SELECT * FROM runs ORDER BY created_at, rowid').all() as Row[]).map(toRecord);
  }

  /** Claim a run for this process: status running, owner pid recorded (crash detection). */
  markRunning(id: string, backend: string | null): void {
    this.db
      .prepare(
        `UPDATE runs SET status = 'running', backend = COALESCE(?, backend), started_at = COALESCE(started_at, ?),
         finished_at = NULL, error = NULL, owner_pid = ? WHERE id = ?`,
      )
      .run(backend, now(), process.pid, id);
  }

  setBackend(id: string, backend: string): void {
    this.db.prepare('UPDATE runs SET backend = ? WHERE id = ?').run(backend, id);
  }

  finish(
    id: string,
    status: Exclude<RunStatus, 'queued' | 'running'>,
    opts: { error?: string | null; result?: RunResult | null; wallSeconds?: number } = {},
  ): void {
    this.db
      .prepare(
        `UPDATE runs SET status = ?, finished_at = ?, owner_pid = NULL, error = ?,
         result_json = COALESCE(?, result_json), wall_seconds = wall_seconds + ? WHERE id = ?`,
      )
      .run(
        status,
        now(),
        opts.error ?? null,
        opts.result ? JSON.stringify(opts.result) : null,
        opts.wallSeconds ?? 0,
        id,
      );
  }

  // ---- metrics (batched: one transaction per batch) ----

  appendMetrics(runId: string, rows: readonly MetricsRow[]): void {
    if (rows.length === 0) return;
    const put = this.db.prepare(
      `INSERT OR REPLACE INTO metrics (run_id, iteration, stage, loss, ml, kl, rc, grad_norm, ess_fraction, skipped, time, ml_validation)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const progress = this.db.prepare('UPDATE runs SET iterations = MAX(iterations, ?) WHERE id = ?');
    this.db.transaction(() => {
      let last = 0;
      for (const r of rows) {
        put.run(
          runId,
          r.iteration,
          r.stage,
          r.loss,
          r.ml,
          r.kl,
          r.rc,
          r.gradNorm,
          r.essFraction,
          r.skipped,
          r.time,
          r.mlValidation ?? null,
        );
        last = Math.max(last, r.iteration + 1);
      }
      progress.run(last, runId);
    })();
  }

  metrics(runId: string, afterIteration = -1): MetricsRow[] {
    const rows = this.db
      .prepare(
        `SELECT iteration, stage, loss, ml, kl, rc, grad_norm, ess_fraction, skipped, time, ml_validation
         FROM metrics WHERE run_id = ? AND iteration > ? ORDER BY iteration`,
      )
      .all(runId, afterIteration) as {
      iteration: number;
      stage: number;
      loss: number;
      ml: number | null;
      kl: number | null;
      rc: number | null;
      grad_norm: number;
      ess_fraction: number | null;
      skipped: number;
      time: number;
      ml_validation: number | null;
    }[];
    return rows.map((r) => ({
      iteration: r.iteration,
      stage: r.stage,
      loss: r.loss,
      ml: r.ml,
      kl: r.kl,
      rc: r.rc,
      gradNorm: r.grad_norm,
      essFraction: r.ess_fraction,
      skipped: r.skipped,
      time: r.time,
      ...(r.ml_validation !== null && { mlValidation: r.ml_validation }),
    }));
  }

  // ---- checkpoints ----

  /** One transaction: the checkpoint row, the run's progress, pruning of old checkpoint bytes. */
  saveCheckpoint(runId: string, iteration: number, bytes: Uint8Array): string {
    const id = newId('ckpt');
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO checkpoints (id, run_id, iteration, bytes, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(id, runId, iteration, toBlob(bytes), now());
      this.db.prepare('UPDATE runs SET iterations = MAX(iterations, ?) WHERE id = ?').run(iteration, runId);
      this.db
        .prepare(
          `UPDATE checkpoints SET bytes = NULL WHERE run_id = ? AND bytes IS NOT NULL AND id NOT IN
           (SELECT id FROM checkpoints WHERE run_id = ? AND bytes IS NOT NULL ORDER BY iteration DESC, rowid DESC LIMIT ?)`,
        )
        .run(runId, runId, this.keepCheckpoints);
    })();
    return id;
  }

  /** The latest checkpoint that still has its bytes (or the named one). */
  checkpoint(runId: string, checkpointId?: string): CheckpointRecord | undefined {
    const r = (
      checkpointId
        ? this.db
            .prepare('SELECT * FROM checkpoints WHERE run_id = ? AND id = ? AND bytes IS NOT NULL')
            .get(runId, checkpointId)
        : this.db
            .prepare(
              'SELECT * FROM checkpoints WHERE run_id = ? AND bytes IS NOT NULL ORDER BY iteration DESC, rowid DESC LIMIT 1',
            )
            .get(runId)
    ) as { id: string; run_id: string; iteration: number; bytes: Buffer; created_at: string } | undefined;
    return (
      r && {
        id: r.id,
        runId: r.run_id,
        iteration: r.iteration,
        createdAt: r.created_at,
        bytes: bytesFromBlob(r.bytes),
      }
    );
  }

  checkpointIterations(runId: string): number[] {
    return (
      this.db
        .prepare('SELECT iteration FROM checkpoints WHERE run_id = ? ORDER BY iteration, rowid')
        .all(runId) as { iteration: number }[]
    ).map((r) => r.iteration);
  }

  /** Before resuming from a checkpoint: forget metrics and checkpoints past it (they will be redone). */
  rewindTo(runId: string, iteration: number): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM metrics WHERE run_id = ? AND iteration >= ?').run(runId, iteration);
      this.db.prepare('DELETE FROM checkpoints WHERE run_id = ? AND iteration > ?').run(runId, iteration);
      this.db.prepare('UPDATE runs SET iterations = ? WHERE id = ?').run(iteration, runId);
    })();
  }
}
