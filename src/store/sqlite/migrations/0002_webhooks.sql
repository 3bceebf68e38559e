-- Adds webhook deliveries, their attempt log, and the previous webhook secret kept during a rotation.

-- The secret a rotation replaced keeps signing (a second signature) until its grace ends.
ALTER TABLE accounts ADD COLUMN previous_webhook_secret TEXT;
ALTER TABLE accounts ADD COLUMN previous_webhook_secret_expires_at INTEGER;

-- One row per webhook message of a job event, written in the event's transaction. `payload` is
-- the exact body, so every attempt sends (and signs) the same bytes.
CREATE TABLE webhook_deliveries (
  id               TEXT PRIMARY KEY,
  job_id           TEXT NOT NULL REFERENCES jobs (id),
  account_id       TEXT NOT NULL,
  event_type       TEXT NOT NULL CHECK (event_type IN ('job.started', 'job.progress', 'job.completed', 'job.failed', 'job.cancelled')),
  url              TEXT NOT NULL,
  payload          TEXT NOT NULL,
  state            TEXT NOT NULL CHECK (state IN ('pending', 'delivering', 'succeeded', 'failed')),
  attempts         INTEGER NOT NULL CHECK (attempts >= 0),
  next_attempt_at  INTEGER,
  manual           INTEGER NOT NULL CHECK (manual IN (0, 1)),
  lease_token      TEXT,
  lease_expires_at INTEGER,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  -- The state machine's footprint: a due time exactly while pending, a lease exactly while delivering.
  CHECK ((state = 'pending') = (next_attempt_at IS NOT NULL)),
  CHECK ((state = 'delivering') = (lease_token IS NOT NULL AND lease_expires_at IS NOT NULL))
);
-- The dispatcher's paths: pending rows by due time, and leases that ran out (a sender that died).
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_leased ON webhook_deliveries (lease_expires_at) WHERE state = 'delivering';
-- The deliveries route: a job's deliveries in order.
CREATE INDEX webhook_deliveries_job ON webhook_deliveries (job_id, id);

CREATE TABLE webhook_attempts (
  delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (id),
  attempt     INTEGER NOT NULL CHECK (attempt >= 1),
  started_at  INTEGER NOT NULL,
  status_code INTEGER,
  error       TEXT,
  duration_ms INTEGER NOT NULL CHECK (duration_ms >= 0),
  PRIMARY KEY (delivery_id, attempt),
  CHECK (status_code IS NOT NULL OR error IS NOT NULL)
) WITHOUT ROWID;
