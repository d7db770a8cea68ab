import type { SampleSet } from '../../core/run/types.js';
import type { Db } from './db.js';
import { float32FromBlob, float64FromBlob, int32FromBlob, toBlob } from './blobs.js';
import { newId, now } from './ids.js';

export interface SampleSetRecord {
  id: string;
  runId: string;
  temperature: number;
  n: number;
  dim: number;
  ess: number;
  createdAt: string;
}

export interface SampleSetData extends SampleSetRecord {
  z: Float32Array;
  x: Float32Array;
  energy: Float64Array;
  logWeights: Float64Array;
  /** Walker population per sample of resampled annealing (SampleSet.islands); null otherwise. */
  islands: Int32Array | null;
}

interface Row {
  id: string;
  run_id: string;
  temperature: number;
  n: number;
  dim: number;
  ess: number;
  created_at: string;
}

const META = 'id, run_id, temperature, n, dim, ess, created_at';

function toRecord(r: Row): SampleSetRecord {
  return {
    id: r.id,
    runId: r.run_id,
    temperature: r.temperature,
    n: r.n,
    dim: r.dim,
    ess: r.ess,
    createdAt: r.created_at,
  };
}

export class SampleRepo {
  constructor(private readonly db: Db) {}

  insert(runId: string, s: SampleSet, ess: number): SampleSetRecord {
    const id = newId('samples');
    const createdAt = now();
    this.db
      .prepare(
        `INSERT INTO sample_sets (id, run_id, temperature, n, dim, z, x, energy, log_weights, islands, ess, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        runId,
        s.temperature,
        s.n,
        s.dim,
        toBlob(s.z),
        toBlob(s.x),
        toBlob(s.energy),
        toBlob(s.logWeights),
        s.islands ? toBlob(s.islands) : null,
        ess,
        createdAt,
      );
    return { id, runId, temperature: s.temperature, n: s.n, dim: s.dim, ess, createdAt };
  }

  list(runId?: string): SampleSetRecord[] {
    const rows = (
      runId
        ? this.db
            .prepare(`SELECT ${META} FROM sample_sets WHERE run_id = ? ORDER BY created_at, rowid`)
            .all(runId)
        : this.db.prepare(`SELECT ${META} FROM sample_sets ORDER BY created_at, rowid`).all()
    ) as Row[];
    return rows.map(toRecord);
  }

  get(id: string): SampleSetData | undefined {
    const r = this.db.prepare('SELECT * FROM sample_sets WHERE id = ?').get(id) as
      | (Row & { z: Buffer; x: Buffer; energy: Buffer; log_weights: Buffer; islands: Buffer | null })
      | undefined;
    if (!r) return undefined;
    return {
      ...toRecord(r),
      z: float32FromBlob(r.z),
      x: float32FromBlob(r.x),
      energy: float64FromBlob(r.energy),
      logWeights: float64FromBlob(r.log_weights),
      islands: r.islands ? int32FromBlob(r.islands) : null,
    };
  }
}
