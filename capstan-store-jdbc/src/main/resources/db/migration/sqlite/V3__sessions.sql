-- Sessions of the built-in agent, their turns (a persisted queue), the conversation, approvals and
-- per-session tool policy overrides. Times are microseconds since the epoch (UTC).
CREATE TABLE sessions (
  id                TEXT    NOT NULL PRIMARY KEY,
  title             TEXT    NOT NULL,
  workspace         TEXT    NOT NULL,
  model             TEXT,
  created_at_micros INTEGER NOT NULL,
  updated_at_micros INTEGER NOT NULL
);

CREATE TABLE turns (
  id                 TEXT    NOT NULL PRIMARY KEY,
  session_id         TEXT    NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  position           INTEGER NOT NULL,
  status             TEXT    NOT NULL,
  user_message       TEXT    NOT NULL,
  assistant_text     TEXT    NOT NULL DEFAULT '',
  error_code         TEXT,
  error_message      TEXT,
  prompt_tokens      INTEGER,
  completion_tokens  INTEGER,
  queued_at_micros   INTEGER NOT NULL,
  started_at_micros  INTEGER,
  finished_at_micros INTEGER,
  ttft_millis        INTEGER,
  total_millis       INTEGER,
  resume_of          TEXT,
  version            INTEGER NOT NULL DEFAULT 0,
  UNIQUE (session_id, position)
);

CREATE INDEX turns_status ON turns (status, session_id, position);

CREATE TABLE turn_messages (
  turn_id           TEXT    NOT NULL REFERENCES turns (id) ON DELETE CASCADE,
  idx               INTEGER NOT NULL,
  role              TEXT    NOT NULL,
  content           TEXT    NOT NULL,
  tool_calls        TEXT    NOT NULL DEFAULT '[]',
  tool_call_id      TEXT,
  tool_name         TEXT,
  created_at_micros INTEGER NOT NULL,
  PRIMARY KEY (turn_id, idx)
) WITHOUT ROWID;

CREATE TABLE approvals (
  id                  TEXT    NOT NULL PRIMARY KEY,
  tool                TEXT    NOT NULL,
  arguments_preview   TEXT    NOT NULL,
  session_id          TEXT,
  turn_id             TEXT,
  task_id             INTEGER,
  tool_call_id        TEXT,
  requested_at_micros INTEGER NOT NULL,
  expires_at_micros   INTEGER,
  status              TEXT    NOT NULL,
  scope               TEXT,
  decided_by          TEXT,
  reason              TEXT,
  decided_at_micros   INTEGER
);

CREATE INDEX approvals_status ON approvals (status, requested_at_micros);
CREATE INDEX approvals_turn ON approvals (turn_id);

CREATE TABLE session_tool_policies (
  session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  tool       TEXT NOT NULL,
  policy     TEXT NOT NULL,
  PRIMARY KEY (session_id, tool)
) WITHOUT ROWID;
