-- Fair scheduling (issue 17): round robin across accounts within a priority level, with weights,
-- and per-account concurrency caps. The rules are stated in domain/claimOrder.ts; the PostgreSQL
-- migration of the same number says how `fair_seq` works.

ALTER TABLE accounts ADD COLUMN weight REAL NOT NULL DEFAULT 1 CHECK (weight > 0);
ALTER TABLE jobs ADD COLUMN fair_seq REAL NOT NULL DEFAULT 0;

-- Jobs already pending keep their order within their account and take turns from here on.
UPDATE jobs SET fair_seq = (
  SELECT count(*) FROM jobs o
  WHERE o.status = 'pending' AND o.account_id = jobs.account_id AND o.type = jobs.type AND o.priority = jobs.priority AND o.id <= jobs.id
) WHERE status = 'pending';

DROP INDEX jobs_pending_type;
CREATE INDEX jobs_pending_type ON jobs (type, priority DESC, fair_seq, id) WHERE status = 'pending';
CREATE INDEX jobs_pending_account ON jobs (account_id, type, priority, fair_seq) WHERE status = 'pending';
CREATE INDEX jobs_started_type ON jobs (type, started_at) WHERE started_at IS NOT NULL;

-- A job entering pending takes its turn: one step (1 / weight) past both the queue's head (the
-- first due job in claim order) and its account's last pending job there. A job coming back keeps
-- its earlier turn unless that is now further back than a new job's would be. SQLite cannot set
-- NEW in a BEFORE trigger, so the row is given its turn just after it is written (the job itself
-- is left out of both reads).
CREATE TRIGGER jobs_fair_seq_on_insert AFTER INSERT ON jobs WHEN new.status = 'pending' BEGIN
  UPDATE jobs SET fair_seq = coalesce((
    SELECT max(
      coalesce((SELECT fair_seq FROM jobs h INDEXED BY jobs_pending_type
        WHERE h.status = 'pending' AND h.type = new.type AND h.priority = new.priority AND h.run_at <= new.updated_at AND h.id <> new.id
        ORDER BY h.priority DESC, h.fair_seq, h.id LIMIT 1), 0),
      coalesce((SELECT max(l.fair_seq) FROM jobs l INDEXED BY jobs_pending_account
        WHERE l.status = 'pending' AND l.account_id = new.account_id AND l.type = new.type AND l.priority = new.priority AND l.id <> new.id), 0)
    ) + 1.0 / a.weight FROM accounts a WHERE a.id = new.account_id), 1)
  WHERE id = new.id;
END;

CREATE TRIGGER jobs_fair_seq_on_requeue AFTER UPDATE OF status ON jobs WHEN new.status = 'pending' AND old.status <> 'pending' BEGIN
  UPDATE jobs SET fair_seq = min(old.fair_seq, coalesce((
    SELECT max(
      coalesce((SELECT fair_seq FROM jobs h INDEXED BY jobs_pending_type
        WHERE h.status = 'pending' AND h.type = new.type AND h.priority = new.priority AND h.run_at <= new.updated_at AND h.id <> new.id
        ORDER BY h.priority DESC, h.fair_seq, h.id LIMIT 1), 0),
      coalesce((SELECT max(l.fair_seq) FROM jobs l INDEXED BY jobs_pending_account
        WHERE l.status = 'pending' AND l.account_id = new.account_id AND l.type = new.type AND l.priority = new.priority AND l.id <> new.id), 0)
    ) + 1.0 / a.weight FROM accounts a WHERE a.id = new.account_id), old.fair_seq))
  WHERE id = new.id;
END;

-- account_limits caps how many of an account's jobs run at once: type '' is the whole account,
-- any other value that one type. `running` is kept by the triggers below in the write that moves
-- a job in or out of running; SQLite has one writer, so the claim's check cannot race.
CREATE TABLE account_limits (
  account_id      TEXT NOT NULL REFERENCES accounts (id),
  type            TEXT NOT NULL,
  max_concurrency INTEGER NOT NULL CHECK (max_concurrency >= 0),
  running         INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (account_id, type)
) WITHOUT ROWID;

CREATE TRIGGER jobs_running_counted AFTER UPDATE OF status ON jobs
  WHEN (old.status = 'running') <> (new.status = 'running') BEGIN
  UPDATE account_limits SET running = running + (CASE WHEN new.status = 'running' THEN 1 ELSE -1 END)
    WHERE account_id = new.account_id AND type IN ('', new.type);
END;
