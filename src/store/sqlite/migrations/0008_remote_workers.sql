-- Adds worker keys, the remote workers seen, and each job's checkpoint and last lease token (the HTTP worker protocol).

-- checkpoint: a small JSON value the last heartbeat stored, handed to the next attempt's claim.
-- last_lease_token: the token of the attempt that ended last, so a repeated `complete` with it is
-- recognised and a stale lease can be told why it lost the job.
ALTER TABLE jobs ADD COLUMN checkpoint TEXT;
ALTER TABLE jobs ADD COLUMN last_lease_token TEXT;

-- A worker key claims jobs of its types for every account; only the hash of its secret is kept.
CREATE TABLE worker_keys (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  types       TEXT NOT NULL, -- JSON array of type names
  secret_hash TEXT NOT NULL,
  last4       TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  revoked_at  INTEGER
);

-- One row per remote worker id, refreshed by its claims and heartbeats.
CREATE TABLE workers (
  id            TEXT PRIMARY KEY,
  key_id        TEXT NOT NULL,
  name          TEXT NOT NULL,
  host          TEXT,
  types         TEXT NOT NULL, -- JSON array of type names
  concurrency   INTEGER NOT NULL,
  first_seen_at INTEGER NOT NULL,
  last_seen_at  INTEGER NOT NULL
);
CREATE INDEX workers_last_seen ON workers (last_seen_at);
-- Jobs in hand per worker: only running rows, which are few.
CREATE INDEX jobs_running_worker ON jobs (worker) WHERE status = 'running';
