/**
 * Schema versions of a project file. PRAGMA user_version holds the version, PRAGMA application_id
 * marks the file as ours. Migrations only go forward; migration i takes version i to i + 1.
 */
export const APPLICATION_ID = 0x42475731; // "BGW1"

export const MIGRATIONS: readonly string[] = [
  /* 0 -> 1 */ `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

  CREATE TABLE systems (
    id TEXT PRIMARY KEY,
    system_id TEXT NOT NULL,
    name TEXT NOT NULL,
    params_json TEXT NOT NULL,
    created_at TEXT NOT NULL
  );

  CREATE TABLE datasets (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    system_id TEXT NOT NULL,
    system_params_json TEXT NOT NULL DEFAULT '{}',
    frames INTEGER NOT NULL,
    dim INTEGER NOT NULL,
    source TEXT NOT NULL,
    x BLOB NOT NULL,
    provenance_json TEXT NOT NULL,
    created_at TEXT NOT NULL
  );

  CREATE TABLE runs (
    id TEXT PRIMARY KEY,
    name TEXT,
    spec_json TEXT NOT NULL,
    system_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued','running','completed','failed','cancelled','interrupted')),
    backend TEXT,
    created_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT,
    iterations INTEGER NOT NULL DEFAULT 0,
    total_iterations INTEGER NOT NULL,
    wall_seconds REAL NOT NULL DEFAULT 0,
    error TEXT,
    parent_run_id TEXT REFERENCES runs(id) ON DELETE SET NULL,
    dataset_id TEXT REFERENCES datasets(id) ON DELETE SET NULL,
    owner_pid INTEGER,
    result_json TEXT
  );

  CREATE TABLE metrics (
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    iteration INTEGER NOT NULL,
    stage INTEGER NOT NULL,
    loss REAL NOT NULL,
    ml REAL,
    kl REAL,
    rc REAL,
    grad_norm REAL NOT NULL,
    ess_fraction REAL,
    skipped INTEGER NOT NULL,
    time REAL NOT NULL,
    PRIMARY KEY (run_id, iteration)
  ) WITHOUT ROWID;

  CREATE TABLE checkpoints (
    id TEXT PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    iteration INTEGER NOT NULL,
    bytes BLOB,
    created_at TEXT NOT NULL
  );
  CREATE INDEX checkpoints_by_run ON checkpoints (run_id, iteration);

  CREATE TABLE sample_sets (
    id TEXT PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    temperature REAL NOT NULL,
    n INTEGER NOT NULL,
    dim INTEGER NOT NULL,
    z BLOB NOT NULL,
    x BLOB NOT NULL,
    energy BLOB NOT NULL,
    log_weights BLOB NOT NULL,
    ess REAL NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE INDEX sample_sets_by_run ON sample_sets (run_id);

  CREATE TABLE analyses (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    run_id TEXT REFERENCES runs(id) ON DELETE CASCADE,
    sample_set_id TEXT REFERENCES sample_sets(id) ON DELETE CASCADE,
    temperature REAL,
    params_json TEXT NOT NULL,
    result_json TEXT NOT NULL,
    created_at TEXT NOT NULL
  );

  CREATE TABLE exports (
    id TEXT PRIMARY KEY,
    what TEXT NOT NULL,
    target_id TEXT NOT NULL,
    format TEXT NOT NULL,
    path TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    created_at TEXT NOT NULL
  );
  `,
  /* 1 -> 2 */ `
  ALTER TABLE metrics ADD COLUMN ml_validation REAL;
  `,
  /* 2 -> 3: the walker population of each resampled annealing sample (int32 per sample; NULL: independent samples) */ `
  ALTER TABLE sample_sets ADD COLUMN islands BLOB;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
