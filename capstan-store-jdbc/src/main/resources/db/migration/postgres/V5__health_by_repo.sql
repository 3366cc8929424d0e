-- The latest health event of one repo is read after every successful attempt (is its worker
-- degraded?); this index answers that without scanning the other repos' events.
CREATE INDEX worker_health_events_repo ON worker_health_events (repo, id);
