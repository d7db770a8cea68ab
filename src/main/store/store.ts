/**
 * A project file and its repositories. Each user action is one transaction inside a repository
 * method; `Store` only owns the connection.
 */
import type { Db, OpenOptions } from './db.js';
import { createProjectDb, openProjectDb, readMeta } from './db.js';
import { DatasetRepo } from './datasets.js';
import { AnalysisRepo, ExportRepo, SystemRepo } from './records.js';
import { RunRepo } from './runs.js';
import { SampleRepo } from './samples.js';

export class Store {
  readonly systems: SystemRepo;
  readonly datasets: DatasetRepo;
  readonly runs: RunRepo;
  readonly samples: SampleRepo;
  readonly analyses: AnalysisRepo;
  readonly exports: ExportRepo;

  private constructor(
    readonly path: string,
    readonly db: Db,
  ) {
    this.systems = new SystemRepo(db);
    this.datasets = new DatasetRepo(db);
    this.runs = new RunRepo(db);
    this.samples = new SampleRepo(db);
    this.analyses = new AnalysisRepo(db);
    this.exports = new ExportRepo(db);
  }

  static create(path: string, name: string): Store {
    return new Store(path, createProjectDb(path, name));
  }

  static open(path: string, options: OpenOptions = {}): Store {
    return new Store(path, openProjectDb(path, options));
  }

  meta(): { name: string; createdAt: string; schemaVersion: number } {
    return readMeta(this.db);
  }

  integrityCheck(): string {
    return this.db.pragma('integrity_check', { simple: true }) as string;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

export { ProjectError } from './errors.js';
export type { RunRecord, RunStatus, CheckpointRecord } from './runs.js';
export type { DatasetRecord } from './datasets.js';
export type { SampleSetRecord, SampleSetData } from './samples.js';
