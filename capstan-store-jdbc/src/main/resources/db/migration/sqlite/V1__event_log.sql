-- The event log: one row per event; seqs are assigned from event_streams in the same transaction.
CREATE TABLE event_streams (
  stream   TEXT    NOT NULL PRIMARY KEY,
  last_seq INTEGER NOT NULL
);

CREATE TABLE events (
  stream     TEXT    NOT NULL,
  seq        INTEGER NOT NULL,
  type       TEXT    NOT NULL,
  kind       TEXT    NOT NULL,
  ts_micros  INTEGER NOT NULL,
  data       TEXT    NOT NULL,
  data_bytes INTEGER NOT NULL,
  PRIMARY KEY (stream, seq)
) WITHOUT ROWID;

CREATE INDEX events_kind_ts ON events (kind, ts_micros);
