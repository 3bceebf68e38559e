-- Creates accounts, API keys, the credit ledger, jobs with their counters, idempotency records and job events.

CREATE TABLE accounts (
  id             TEXT PRIMARY KEY,
  name           TEXT NOT NULL,
  credit_balance INTEGER CHECK (credit_balance IS NULL OR credit_balance >= 0), -- NULL: unlimited
  webhook_secret TEXT NOT NULL,
  created_at     INTEGER NOT NULL
);

CREATE TABLE api_keys (
  id          TEXT PRIMARY KEY,
  account_id  TEXT NOT NULL REFERENCES accounts (id),
  secret_hash TEXT NOT NULL,
  last4       TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  revoked_at  INTEGER
);
CREATE INDEX api_keys_account ON api_keys (account_id);

-- Times are integer milliseconds since the epoch (UTC); JSON columns hold TEXT.
CREATE TABLE jobs (
  id               TEXT PRIMARY KEY,
  account_id       TEXT NOT NULL REFERENCES accounts (id),
  type             TEXT NOT NULL,
  status           TEXT NOT NULL CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled')),
  progress         INTEGER NOT NULL CHECK (progress BETWEEN 0 AND 100),
  status_message   TEXT,
  priority         INTEGER NOT NULL,
  input            TEXT NOT NULL,
  private_input    TEXT,
  output           TEXT,
  error            TEXT,
  attempts         INTEGER NOT NULL CHECK (attempts >= 0),
  max_attempts     INTEGER NOT NULL CHECK (max_attempts >= 1),
  timeout_ms       INTEGER NOT NULL,
  api_key_id       TEXT,
  api_key_used     TEXT,
  worker           TEXT,
  size             INTEGER NOT NULL,
  process_time     INTEGER NOT NULL,
  credits_charged  INTEGER NOT NULL CHECK (credits_charged >= 0),
  credits_refunded INTEGER NOT NULL CHECK (credits_refunded IN (0, credits_charged)),
  original_job_id  TEXT,
  webhook_url      TEXT,
  webhook_events   TEXT NOT NULL,
  metadata         TEXT NOT NULL,
  run_at           INTEGER NOT NULL,
  created_at       INTEGER NOT NULL,
  started_at       INTEGER,
  completed_at     INTEGER,
  failed_at        INTEGER,
  cancelled_at     INTEGER,
  updated_at       INTEGER NOT NULL,
  lease_token      TEXT,
  lease_expires_at INTEGER,
  event_seq        INTEGER NOT NULL,
  -- The state machine's footprint: each final time is set exactly in its status, a lease exactly while running.
  CHECK ((status = 'completed') = (completed_at IS NOT NULL)),
  CHECK ((status = 'failed') = (failed_at IS NOT NULL)),
  CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL)),
  CHECK ((status = 'running') = (lease_token IS NOT NULL AND lease_expires_at IS NOT NULL)),
  CHECK (status <> 'completed' OR progress = 100)
);
-- The claim path: only pending rows, in claim order.
CREATE INDEX jobs_pending ON jobs (priority DESC, id) WHERE status = 'pending';
-- The reaper's path: only running rows, by lease expiry.
CREATE INDEX jobs_running_lease ON jobs (lease_expires_at) WHERE status = 'running';
-- The list paths: an account's jobs newest first, optionally by status or type.
CREATE INDEX jobs_account ON jobs (account_id, id);
CREATE INDEX jobs_account_status ON jobs (account_id, status, id);
CREATE INDEX jobs_account_type ON jobs (account_id, type, id);

-- Totals for list pages, kept by triggers in the same transaction as the job change.
CREATE TABLE job_counters (
  account_id TEXT NOT NULL,
  type       TEXT NOT NULL,
  status     TEXT NOT NULL,
  count      INTEGER NOT NULL CHECK (count >= 0),
  PRIMARY KEY (account_id, type, status)
) WITHOUT ROWID;

CREATE TRIGGER jobs_counted_on_insert AFTER INSERT ON jobs BEGIN
  INSERT INTO job_counters (account_id, type, status, count) VALUES (new.account_id, new.type, new.status, 1)
    ON CONFLICT (account_id, type, status) DO UPDATE SET count = count + 1;
END;

CREATE TRIGGER jobs_counted_on_status AFTER UPDATE OF status ON jobs WHEN old.status <> new.status BEGIN
  UPDATE job_counters SET count = count - 1
    WHERE account_id = old.account_id AND type = old.type AND status = old.status;
  INSERT INTO job_counters (account_id, type, status, count) VALUES (new.account_id, new.type, new.status, 1)
    ON CONFLICT (account_id, type, status) DO UPDATE SET count = count + 1;
END;

CREATE TRIGGER jobs_counted_on_delete AFTER DELETE ON jobs BEGIN
  UPDATE job_counters SET count = count - 1
    WHERE account_id = old.account_id AND type = old.type AND status = old.status;
END;

CREATE TABLE ledger (
  id         TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id),
  job_id     TEXT,
  kind       TEXT NOT NULL CHECK (kind IN ('charge', 'refund', 'grant')),
  amount     INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
-- Refund at most once, by construction: one charge and one refund per job.
CREATE UNIQUE INDEX ledger_job_kind ON ledger (job_id, kind) WHERE job_id IS NOT NULL;
CREATE INDEX ledger_account ON ledger (account_id, id);

CREATE TABLE idempotency_keys (
  account_id   TEXT NOT NULL,
  key          TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  job_id       TEXT NOT NULL,
  expires_at   INTEGER NOT NULL,
  PRIMARY KEY (account_id, key)
) WITHOUT ROWID;

-- One row per change of a job, numbered per job (seq) and across all jobs (id): the seam for
-- streams, webhooks and other processes on the same file. `origin` names the store instance that
-- wrote it, so a process can skip its own changes when it reads the feed.
CREATE TABLE job_events (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id         TEXT NOT NULL,
  seq            INTEGER NOT NULL,
  account_id     TEXT NOT NULL,
  kind           TEXT NOT NULL,
  status         TEXT NOT NULL,
  progress       INTEGER NOT NULL,
  status_message TEXT,
  origin         TEXT NOT NULL,
  created_at     INTEGER NOT NULL,
  UNIQUE (job_id, seq)
);
