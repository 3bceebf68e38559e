-- Adds worker keys, the remote workers seen, and each job's checkpoint and last lease token (the HTTP worker protocol).

-- checkpoint: a small JSON value the last heartbeat stored, handed to the next attempt's claim.
-- last_lease_token: the token of the attempt that ended last, so a repeated `complete` with it is
-- recognised and a stale lease can be told why it lost the job.
ALTER TABLE jobs ADD COLUMN checkpoint jsonb;
ALTER TABLE jobs ADD COLUMN last_lease_token text;

-- A worker key claims jobs of its types for every account; only the hash of its secret is kept.
CREATE TABLE worker_keys (
  id          text COLLATE "C" PRIMARY KEY,
  name        text NOT NULL,
  types       jsonb NOT NULL,
  secret_hash text NOT NULL,
  last4       text NOT NULL,
  created_at  timestamptz NOT NULL,
  revoked_at  timestamptz
);

-- One row per remote worker id, refreshed by its claims and heartbeats.
CREATE TABLE workers (
  id            text COLLATE "C" PRIMARY KEY,
  key_id        text COLLATE "C" NOT NULL,
  name          text NOT NULL,
  host          text,
  types         jsonb NOT NULL,
  concurrency   integer NOT NULL,
  first_seen_at timestamptz NOT NULL,
  last_seen_at  timestamptz NOT NULL
);
CREATE INDEX workers_last_seen ON workers (last_seen_at);
-- Jobs in hand per worker: only running rows, which are few.
CREATE INDEX jobs_running_worker ON jobs (worker) WHERE status = 'running';
