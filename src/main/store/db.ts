/**
 * Opening and creating project files. A file is inspected read-only first (header, application id,
 * schema version, integrity), so a file that is not ours, is truncated or comes from a newer schema
 * is reported and left byte-for-byte unchanged. Only then is it opened for writing, migrated
 * forward, and runs orphaned by a crash are marked interrupted.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { ProjectError } from './errors.js';
import { now } from './ids.js';
import { APPLICATION_ID, MIGRATIONS } from './schema.js';

/**
 * Under Electron, better-sqlite3 must be the copy built for Electron's ABI (scripts/electron-native.mjs,
 * docs/packaging.md); under Node (tests, CLI) the default build in node_modules is used.
 */
const nativeBinding = process.versions.electron ? process.env.BGW_SQLITE_BINDING || undefined : undefined;

export type Db = Database.Database;

export interface OpenOptions {
  /** Open without writing anything (a second reader while another process trains). */
  readonly?: boolean;
  /** Milliseconds to wait on a lock held by another connection. */
  busyTimeoutMs?: number;
  /** The schema's migrations (default: this build's); tests pass a longer list to play a later version. */
  migrations?: readonly string[];
}

const SQLITE_MAGIC = 'SQLite format 3\0';

/** Check the 100-byte header: is it SQLite, and is the file as long as the header says? */
function checkHeader(path: string): void {
  const st = statSync(path);
  if (!st.isFile())
    throw new ProjectError('not_a_project', `${path} is not a Boltzmann Workbench project (not a file)`);
  const size = st.size;
  const header = Buffer.alloc(100);
  const fd = openSync(path, 'r');
  let read = 0;
  try {
    read = readSync(fd, header, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (read < 100 || header.toString('latin1', 0, 16) !== SQLITE_MAGIC) {
    throw new ProjectError(
      'not_a_project',
      `${path} is not a Boltzmann Workbench project (not an SQLite database)`,
    );
  }
  const rawPageSize = header.readUInt16BE(16);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  const pages = header.readUInt32BE(28);
  // The in-header size is valid only when the change counter matches "version-valid-for".
  const valid = header.readUInt32BE(24) === header.readUInt32BE(92);
  if (valid && pages > 0 && size < pages * pageSize) {
    throw new ProjectError('corrupt', `${path} is truncated (${size} bytes, expected ${pages * pageSize})`);
  }
}

function inspect(path: string, latest: number): { version: number } {
  checkHeader(path);
  let db: Db | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true, nativeBinding });
    const appId = db.pragma('application_id', { simple: true }) as number;
    const version = db.pragma('user_version', { simple: true }) as number;
    if (appId !== APPLICATION_ID) {
      throw new ProjectError(
        'not_a_project',
        `${path} is an SQLite database but not a Boltzmann Workbench project`,
      );
    }
    if (version > latest) {
      throw new ProjectError(
        'newer_schema',
        `${path} was written by a newer Boltzmann Workbench (schema ${version}; this version reads up to ${latest})`,
      );
    }
    const check = db.pragma('quick_check', { simple: true }) as string;
    if (check !== 'ok') throw new ProjectError('corrupt', `${path} is damaged: ${check}`);
    return { version };
  } catch (e) {
    if (e instanceof ProjectError) throw e;
    throw new ProjectError('corrupt', `${path} cannot be read as a project: ${(e as Error).message}`);
  } finally {
    db?.close();
  }
}

function configure(db: Db, options: OpenOptions): void {
  db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  db.pragma('foreign_keys = ON');
  if (!options.readonly) {
    db.pragma('journal_mode = WAL');
    // In WAL mode NORMAL survives a killed process; only a power cut can lose the last commits.
    db.pragma('synchronous = NORMAL');
  }
}

function migrate(db: Db, migrations: readonly string[]): void {
  const from = db.pragma('user_version', { simple: true }) as number;
  if (from >= migrations.length) return;
  // All steps in one transaction: a failed migration leaves the file at its old version.
  db.transaction(() => {
    for (let v = from; v < migrations.length; v++) db.exec(migrations[v]);
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.pragma(`user_version = ${migrations.length}`);
  })();
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Runs left 'running' by a process that no longer exists become 'interrupted'. */
export function markInterrupted(db: Db): number {
  const rows = db.prepare(`SELECT id, owner_pid FROM runs WHERE status = 'running'`).all() as {
    id: string;
    owner_pid: number | null;
  }[];
  const orphans = rows.filter(
    (r) => r.owner_pid === null || (r.owner_pid !== process.pid && !pidAlive(r.owner_pid)),
  );
  const mark = db.prepare(
    `UPDATE runs SET status = 'interrupted', owner_pid = NULL, finished_at = ? WHERE id = ? AND status = 'running'`,
  );
  db.transaction(() => {
    for (const r of orphans) mark.run(now(), r.id);
  })();
  return orphans.length;
}

export function openProjectDb(path: string, options: OpenOptions = {}): Db {
  if (!existsSync(path)) throw new ProjectError('not_found', `${path} does not exist`);
  const migrations = options.migrations ?? MIGRATIONS;
  inspect(path, migrations.length);
  const db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: true, nativeBinding });
  try {
    configure(db, options);
    if (!options.readonly) {
      migrate(db, migrations);
      markInterrupted(db);
    }
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

export function createProjectDb(path: string, name: string): Db {
  if (existsSync(path)) throw new ProjectError('exists', `${path} already exists`);
  const db = new Database(path, { nativeBinding });
  try {
    configure(db, {});
    migrate(db, MIGRATIONS);
    const put = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
    db.transaction(() => {
      put.run('name', name);
      put.run('created_at', now());
    })();
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

export function readMeta(db: Db): { name: string; createdAt: string; schemaVersion: number } {
  const rows = db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[];
  const m = new Map(rows.map((r) => [r.key, r.value]));
  return {
    name: m.get('name') ?? '',
    createdAt: m.get('created_at') ?? '',
    schemaVersion: db.pragma('user_version', { simple: true }) as number,
  };
}
