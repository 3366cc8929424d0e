-- Repos, tasks, their attempts and audit history, worker health events and persisted limits.
-- Times are microseconds since the epoch (UTC), like the event log's.
CREATE TABLE repos (
  name                 TEXT    NOT NULL PRIMARY KEY,
  source               TEXT    NOT NULL,
  path                 TEXT    NOT NULL,
  base_branch          TEXT    NOT NULL,
  max_concurrent       INTEGER NOT NULL,
  agent                TEXT    NOT NULL,
  command              TEXT,
  setup                TEXT,
  provision_timeout_ms INTEGER,
  run_timeout_ms       INTEGER,
  idle_timeout_ms      INTEGER,
  created_micros       INTEGER NOT NULL,
  updated_micros       INTEGER NOT NULL
);

CREATE TABLE tasks (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  repo           TEXT    NOT NULL,
  title          TEXT    NOT NULL,
  prompt         TEXT    NOT NULL,
  agent          TEXT    NOT NULL,
  command        TEXT,
  priority       INTEGER NOT NULL,
  state          TEXT    NOT NULL,
  attempt        INTEGER NOT NULL,
  generation     INTEGER NOT NULL,
  branch         TEXT,
  workspace      TEXT,
  retries        INTEGER NOT NULL,
  auto_retries   INTEGER NOT NULL,
  created_micros INTEGER NOT NULL,
  updated_micros INTEGER NOT NULL
);

CREATE INDEX tasks_state ON tasks (state);
CREATE INDEX tasks_repo ON tasks (repo, state);

CREATE TABLE attempts (
  task_id        INTEGER NOT NULL REFERENCES tasks (id),
  number         INTEGER NOT NULL,
  agent          TEXT    NOT NULL,
  workspace      TEXT,
  branch         TEXT    NOT NULL,
  started_micros INTEGER NOT NULL,
  ended_micros   INTEGER,
  exit_code      INTEGER,
  outcome        TEXT    NOT NULL,
  reason         TEXT,
  files          INTEGER,
  insertions     INTEGER,
  deletions      INTEGER,
  commit_sha     TEXT,
  PRIMARY KEY (task_id, number)
);

CREATE TABLE task_events (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  task_id    INTEGER NOT NULL REFERENCES tasks (id),
  at_micros  INTEGER NOT NULL,
  from_state TEXT,
  to_state   TEXT    NOT NULL,
  trigger_name TEXT  NOT NULL,
  message    TEXT    NOT NULL
);

CREATE INDEX task_events_task ON task_events (task_id, id);

CREATE TABLE worker_health_events (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  kind      TEXT    NOT NULL,
  worker    TEXT    NOT NULL,
  repo      TEXT    NOT NULL,
  task_id   INTEGER,
  message   TEXT    NOT NULL,
  at_micros INTEGER NOT NULL
);

CREATE TABLE task_limits (
  name  TEXT    NOT NULL PRIMARY KEY,
  value INTEGER NOT NULL
);
