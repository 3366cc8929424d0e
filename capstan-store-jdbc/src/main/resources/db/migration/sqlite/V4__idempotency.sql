-- Idempotency keys of creating requests (Idempotency-Key header): per scope (tasks, repos, the
-- turns of one session), the id of the object the first request with the key created. Written in
-- the same transaction as the object; forgotten after a day. Times are microseconds since the epoch.
CREATE TABLE idempotency_keys (
  scope          TEXT    NOT NULL,
  idem_key       TEXT    NOT NULL,
  created_id     TEXT    NOT NULL,
  created_micros INTEGER NOT NULL,
  PRIMARY KEY (scope, idem_key)
);

CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_micros);
