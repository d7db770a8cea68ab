/** Small JSON-shaped tables: systems used in the project, analyses, exports. */
import type { Db } from './db.js';
import { newId, now } from './ids.js';

export interface SystemRecord {
  id: string;
  systemId: string;
  name: string;
  params: Record<string, number>;
  createdAt: string;
}

export interface AnalysisRecord<T = unknown> {
  id: string;
  kind: string;
  runId: string | null;
  sampleSetId: string | null;
  temperature: number | null;
  params: Record<string, unknown>;
  result: T;
  createdAt: string;
}

export interface ExportRecord {
  id: string;
  what: string;
  targetId: string;
  format: string;
  path: string;
  bytes: number;
  createdAt: string;
}

export class SystemRepo {
  constructor(private readonly db: Db) {}

  /** Remember a system (catalogue id + parameters) the first time the project uses it. */
  ensure(systemId: string, name: string, params: Record<string, number>): SystemRecord {
    const paramsJson = JSON.stringify(params, Object.keys(params).sort());
    const found = this.db
      .prepare('SELECT * FROM systems WHERE system_id = ? AND params_json = ?')
      .get(systemId, paramsJson) as
      { id: string; system_id: string; name: string; params_json: string; created_at: string } | undefined;
    if (found) return { id: found.id, systemId, name: found.name, params, createdAt: found.created_at };
    const id = newId('sys');
    const createdAt = now();
    this.db
      .prepare('INSERT INTO systems (id, system_id, name, params_json, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(id, systemId, name, paramsJson, createdAt);
    return { id, systemId, name, params, createdAt };
  }

  list(): SystemRecord[] {
    return (
      this.db.prepare('SELECT * FROM systems ORDER BY created_at, rowid').all() as {
        id: string;
        system_id: string;
        name: string;
        params_json: string;
        created_at: string;
      }[]
    ).map((r) => ({
      id: r.id,
      systemId: r.system_id,
      name: r.name,
      params: JSON.parse(r.params_json) as Record<string, number>,
      createdAt: r.created_at,
    }));
  }
}

interface AnalysisRow {
  id: string;
  kind: string;
  run_id: string | null;
  sample_set_id: string | null;
  temperature: number | null;
  params_json: string;
  result_json: string;
  created_at: string;
}

function toAnalysis<T>(r: AnalysisRow): AnalysisRecord<T> {
  return {
    id: r.id,
    kind: r.kind,
    runId: r.run_id,
    sampleSetId: r.sample_set_id,
    temperature: r.temperature,
    params: JSON.parse(r.params_json) as Record<string, unknown>,
    result: JSON.parse(r.result_json) as T,
    createdAt: r.created_at,
  };
}

export class AnalysisRepo {
  constructor(private readonly db: Db) {}

  insert<T>(a: Omit<AnalysisRecord<T>, 'id' | 'createdAt'>): AnalysisRecord<T> {
    const id = newId('fe');
    const createdAt = now();
    this.db
      .prepare(
        'INSERT INTO analyses (id, kind, run_id, sample_set_id, temperature, params_json, result_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        id,
        a.kind,
        a.runId,
        a.sampleSetId,
        a.temperature,
        JSON.stringify(a.params),
        JSON.stringify(a.result),
        createdAt,
      );
    return { ...a, id, createdAt };
  }

  get<T>(id: string): AnalysisRecord<T> | undefined {
    const r = this.db.prepare('SELECT * FROM analyses WHERE id = ?').get(id) as AnalysisRow | undefined;
    return r && toAnalysis<T>(r);
  }

  list(): AnalysisRecord[] {
    return (this.db.prepare('SELECT * FROM analyses ORDER BY created_at, rowid').all() as AnalysisRow[]).map(
      (r) => toAnalysis(r),
    );
  }
}

export class ExportRepo {
  constructor(private readonly db: Db) {}

  insert(e: Omit<ExportRecord, 'id' | 'createdAt'>): ExportRecord {
    const id = newId('export');
    const createdAt = now();
    this.db
      .prepare(
        'INSERT INTO exports (id, what, target_id, format, path, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(id, e.what, e.targetId, e.format, e.path, e.bytes, createdAt);
    return { ...e, id, createdAt };
  }

  list(): ExportRecord[] {
    return (
      this.db.prepare('SELECT * FROM exports ORDER BY created_at, rowid').all() as {
        id: string;
        what: string;
        target_id: string;
        format: string;
        path: string;
        bytes: number;
        created_at: string;
      }[]
    ).map((r) => ({
      id: r.id,
      what: r.what,
      targetId: r.target_id,
      format: r.format,
      path: r.path,
      bytes: r.bytes,
      createdAt: r.created_at,
    }));
  }
}
