import type { Db } from './db.js';
import { float32FromBlob, toBlob } from './blobs.js';
import { newId, now } from './ids.js';

export interface DatasetRecord {
  id: string;
  name: string;
  systemId: string;
  systemParams: Record<string, number>;
  frames: number;
  dim: number;
  source: string;
  provenance: Record<string, unknown>;
  createdAt: string;
}

export interface NewDataset {
  name: string;
  systemId: string;
  systemParams?: Record<string, number>;
  frames: number;
  dim: number;
  source: string;
  x: Float32Array;
  provenance: Record<string, unknown>;
}

interface Row {
  id: string;
  name: string;
  system_id: string;
  system_params_json: string;
  frames: number;
  dim: number;
  source: string;
  provenance_json: string;
  created_at: string;
}

const COLUMNS = 'id, name, system_id, system_params_json, frames, dim, source, provenance_json, created_at';

function toRecord(r: Row): DatasetRecord {
  return {
    id: r.id,
    name: r.name,
    systemId: r.system_id,
    systemParams: JSON.parse(r.system_params_json) as Record<string, number>,
    frames: r.frames,
    dim: r.dim,
    source: r.source,
    provenance: JSON.parse(r.provenance_json) as Record<string, unknown>,
    createdAt: r.created_at,
  };
}

export class DatasetRepo {
  constructor(private readonly db: Db) {}

  insert(d: NewDataset): DatasetRecord {
    if (d.x.length !== d.frames * d.dim)
      throw new Error(`dataset has ${d.x.length} values, expected ${d.frames}×${d.dim}`);
    const id = newId('ds');
    const createdAt = now();
    this.db
      .prepare(
        `INSERT INTO datasets (id, name, system_id, system_params_json, frames, dim, source, x, provenance_json, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        d.name,
        d.systemId,
        JSON.stringify(d.systemParams ?? {}),
        d.frames,
        d.dim,
        d.source,
        toBlob(d.x),
        JSON.stringify(d.provenance),
        createdAt,
      );
    return {
      id,
      name: d.name,
      systemId: d.systemId,
      systemParams: d.systemParams ?? {},
      frames: d.frames,
      dim: d.dim,
      source: d.source,
      provenance: d.provenance,
      createdAt,
    };
  }

  list(): DatasetRecord[] {
    return (this.db.prepare(`SELECT ${COLUMNS} FROM datasets ORDER BY created_at, rowid`).all() as Row[]).map(
      toRecord,
    );
  }

  get(id: string): DatasetRecord | undefined {
    const r = this.db.prepare(`SELECT ${COLUMNS} FROM datasets WHERE id = ?`).get(id) as Row | undefined;
    return r && toRecord(r);
  }

  frames(id: string): Float32Array | undefined {
    const r = this.db.prepare('SELECT x FROM datasets WHERE id = ?').get(id) as { x: Buffer } | undefined;
    return r && float32FromBlob(r.x);
  }
}
