-- Sessions of the built-in agent, their turns (a persisted queue), the conversation, approvals and
-- per-session tool policy overrides. Times are microseconds since the epoch (UTC).
CREATE TABLE sessions (
  id                TEXT    NOT NULL PRIMARY KEY,
  title             TEXT    NOT NULL,
  workspace         TEXT    NOT NULL,
  model             TEXT,
  created_at_micros BIGINT NOT NULL,
  updated_at_micros BIGINT NOT NULL
);

CREATE TABLE turns (
  id                 TEXT    NOT NULL PRIMARY KEY,
  session_id         TEXT    NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  position           BIGINT NOT NULL,
  status             TEXT    NOT NULL,
  user_message       TEXT    NOT NULL,
  assistant_text     TEXT    NOT NULL DEFAULT '',
  error_code         TEXT,
  error_message      TEXT,
  prompt_tokens      BIGINT,
  completion_tokens  BIGINT,
  queued_at_micros   BIGINT NOT NULL,
  started_at_micros  BIGINT,
  finished_at_micros BIGINT,
  ttft_millis        BIGINT,
  total_millis       BIGINT,
  resume_of          TEXT,
  version            BIGINT NOT NULL DEFAULT 0,
  UNIQUE (session_id, position)
);

CREATE INDEX turns_status ON turns (status, session_id, position);

CREATE TABLE turn_messages (
  turn_id           TEXT    NOT NULL REFERENCES turns (id) ON DELETE CASCADE,
  idx               BIGINT NOT NULL,
  role              TEXT    NOT NULL,
  content           TEXT    NOT NULL,
  tool_calls        TEXT    NOT NULL DEFAULT '[]',
  tool_call_id      TEXT,
  tool_name         TEXT,
  created_at_micros BIGINT NOT NULL,
  PRIMARY KEY (turn_id, idx)
);

CREATE TABLE approvals (
  id                  TEXT    NOT NULL PRIMARY KEY,
  tool                TEXT    NOT NULL,
  arguments_preview   TEXT    NOT NULL,
  session_id          TEXT,
  turn_id             TEXT,
  task_id             BIGINT,
  tool_call_id        TEXT,
  requested_at_micros BIGINT NOT NULL,
  expires_at_micros   BIGINT,
  status              TEXT    NOT NULL,
  scope               TEXT,
  decided_by          TEXT,
  reason              TEXT,
  decided_at_micros   BIGINT
);

CREATE INDEX approvals_status ON approvals (status, requested_at_micros);
CREATE INDEX approvals_turn ON approvals (turn_id);

CREATE TABLE session_tool_policies (
  session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  tool       TEXT NOT NULL,
  policy     TEXT NOT NULL,
  PRIMARY KEY (session_id, tool)
);
