-- Creates accounts, API keys, the credit ledger, jobs with their counters, idempotency records and job events.
-- Runs with search_path set to the store's schema (see migrate.ts), so no name here is schema-qualified.
-- Text keys use COLLATE "C": ids are ULIDs that sort by time as bytes, and keyset cursors
-- (`id < $before`) must agree with ORDER BY whatever the database's default collation is.

CREATE TABLE accounts (
  id             text COLLATE "C" PRIMARY KEY,
  name           text NOT NULL,
  credit_balance bigint CHECK (credit_balance IS NULL OR credit_balance >= 0), -- NULL: unlimited
  webhook_secret text NOT NULL,
  created_at     timestamptz NOT NULL
);

CREATE TABLE api_keys (
  id          text COLLATE "C" PRIMARY KEY,
  account_id  text COLLATE "C" NOT NULL REFERENCES accounts (id),
  secret_hash text NOT NULL,
  last4       text NOT NULL,
  created_at  timestamptz NOT NULL,
  revoked_at  timestamptz
);
CREATE INDEX api_keys_account ON api_keys (account_id);

CREATE TABLE jobs (
  id               text COLLATE "C" PRIMARY KEY,
  account_id       text COLLATE "C" NOT NULL REFERENCES accounts (id),
  type             text COLLATE "C" NOT NULL,
  status           text COLLATE "C" NOT NULL CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled')),
  progress         integer NOT NULL CHECK (progress BETWEEN 0 AND 100),
  status_message   text,
  priority         integer NOT NULL,
  input            jsonb NOT NULL,
  private_input    jsonb,
  output           jsonb,
  error            jsonb,
  attempts         integer NOT NULL CHECK (attempts >= 0),
  max_attempts     integer NOT NULL CHECK (max_attempts >= 1),
  timeout_ms       bigint NOT NULL,
  api_key_id       text,
  api_key_used     text,
  worker           text,
  size             bigint NOT NULL,
  process_time     bigint NOT NULL,
  credits_charged  bigint NOT NULL CHECK (credits_charged >= 0),
  credits_refunded bigint NOT NULL CHECK (credits_refunded IN (0, credits_charged)),
  original_job_id  text,
  webhook_url      text,
  webhook_events   jsonb NOT NULL,
  metadata         jsonb NOT NULL,
  run_at           timestamptz NOT NULL,
  created_at       timestamptz NOT NULL,
  started_at       timestamptz,
  completed_at     timestamptz,
  failed_at        timestamptz,
  cancelled_at     timestamptz,
  updated_at       timestamptz NOT NULL,
  lease_token      text,
  lease_expires_at timestamptz,
  event_seq        integer NOT NULL,
  -- The state machine's footprint: each final time is set exactly in its status, a lease exactly while running.
  CHECK ((status = 'completed') = (completed_at IS NOT NULL)),
  CHECK ((status = 'failed') = (failed_at IS NOT NULL)),
  CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL)),
  CHECK ((status = 'running') = (lease_token IS NOT NULL AND lease_expires_at IS NOT NULL)),
  CHECK (status <> 'completed' OR progress = 100)
);
-- The claim path: only pending rows, in claim order; the claim walks it and stops after LIMIT rows.
CREATE INDEX jobs_pending ON jobs (priority DESC, id) WHERE status = 'pending';
-- The reaper's path: only running rows, by lease expiry.
CREATE INDEX jobs_running_lease ON jobs (lease_expires_at) WHERE status = 'running';
-- The list paths: an account's jobs newest first, optionally by status or type.
CREATE INDEX jobs_account ON jobs (account_id, id);
CREATE INDEX jobs_account_status ON jobs (account_id, status, id);
CREATE INDEX jobs_account_type ON jobs (account_id, type, id);

-- Totals for list pages, kept by the triggers below in the same transaction as the job change.
-- Each bucket is split in 16 shards, and a connection writes only the shard of its backend pid:
-- with one row per bucket, every create (or claim, or completion) of one account and type waited
-- for the previous one's commit, fsync included (measured: about 250 creates/s, CPU idle). A
-- shard may go negative (a job counted in by one connection and out by another); totals are sums.
CREATE TABLE job_counters (
  account_id text COLLATE "C" NOT NULL,
  type       text COLLATE "C" NOT NULL,
  status     text COLLATE "C" NOT NULL,
  shard      smallint NOT NULL,
  count      bigint NOT NULL,
  PRIMARY KEY (account_id, type, status, shard)
);

-- jobs_count_changes applies one statement's moves between (account, type, status) buckets.
-- It runs once per statement (transition tables), not per row, so that it can take the bucket
-- rows' locks in one sorted order: a claim moving pending→running and a release moving
-- running→pending of the same bucket, or two claims over jobs of two accounts, would otherwise
-- lock the same rows in opposite orders and deadlock. Three steps: create missing buckets at 0,
-- lock every bucket touched in key order, then add the deltas.
CREATE FUNCTION jobs_count_changes() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  k_account text[];
  k_type text[];
  k_status text[];
  k_delta bigint[];
  my_shard smallint;
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(account_id ORDER BY account_id, type, status), array_agg(type ORDER BY account_id, type, status),
           array_agg(status ORDER BY account_id, type, status), array_agg(n ORDER BY account_id, type, status)
      INTO k_account, k_type, k_status, k_delta
      FROM (SELECT account_id, type, status, count(*) AS n FROM new_rows GROUP BY 1, 2, 3) moves;
  ELSIF TG_OP = 'UPDATE' THEN
    SELECT array_agg(account_id ORDER BY account_id, type, status), array_agg(type ORDER BY account_id, type, status),
           array_agg(status ORDER BY account_id, type, status), array_agg(n ORDER BY account_id, type, status)
      INTO k_account, k_type, k_status, k_delta
      FROM (
        SELECT account_id, type, status, sum(d) AS n FROM (
          SELECT o.account_id, o.type, o.status, -1 AS d FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE o.status <> n.status
          UNION ALL
          SELECT n.account_id, n.type, n.status, 1 AS d FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE o.status <> n.status
        ) m GROUP BY 1, 2, 3 HAVING sum(d) <> 0
      ) moves;
  ELSE
    SELECT array_agg(account_id ORDER BY account_id, type, status), array_agg(type ORDER BY account_id, type, status),
           array_agg(status ORDER BY account_id, type, status), array_agg(-n ORDER BY account_id, type, status)
      INTO k_account, k_type, k_status, k_delta
      FROM (SELECT account_id, type, status, count(*) AS n FROM old_rows GROUP BY 1, 2, 3) moves;
  END IF;
  IF k_account IS NULL THEN
    RETURN NULL; -- no status moved (a heartbeat, a progress report, a guard that matched nothing)
  END IF;

  my_shard := pg_backend_pid() % 16;
  INSERT INTO job_counters (account_id, type, status, shard, count)
    SELECT a, t, s, my_shard, 0 FROM unnest(k_account, k_type, k_status) AS u (a, t, s) ORDER BY a, t, s
    ON CONFLICT (account_id, type, status, shard) DO NOTHING;
  -- Row locks are taken after the sort, so in key order.
  PERFORM 1 FROM job_counters c JOIN unnest(k_account, k_type, k_status) AS u (a, t, s)
      ON c.account_id = u.a AND c.type = u.t AND c.status = u.s AND c.shard = my_shard
    ORDER BY c.account_id, c.type, c.status FOR UPDATE OF c;
  UPDATE job_counters c SET count = c.count + u.d
    FROM unnest(k_account, k_type, k_status, k_delta) AS u (a, t, s, d)
    WHERE c.account_id = u.a AND c.type = u.t AND c.status = u.s AND c.shard = my_shard;
  RETURN NULL;
END
$$;

CREATE TRIGGER jobs_counted_on_insert AFTER INSERT ON jobs
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION jobs_count_changes();
CREATE TRIGGER jobs_counted_on_update AFTER UPDATE ON jobs
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION jobs_count_changes();
CREATE TRIGGER jobs_counted_on_delete AFTER DELETE ON jobs
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION jobs_count_changes();

CREATE TABLE ledger (
  id         text COLLATE "C" PRIMARY KEY,
  account_id text COLLATE "C" NOT NULL REFERENCES accounts (id),
  job_id     text COLLATE "C",
  kind       text NOT NULL CHECK (kind IN ('charge', 'refund', 'grant')),
  amount     bigint NOT NULL,
  created_at timestamptz NOT NULL
);
-- Refund at most once, by construction: one charge and one refund per job
-- (writers use INSERT … ON CONFLICT (job_id, kind) WHERE job_id IS NOT NULL DO NOTHING).
CREATE UNIQUE INDEX ledger_job_kind ON ledger (job_id, kind) WHERE job_id IS NOT NULL;
CREATE INDEX ledger_account ON ledger (account_id, id);

CREATE TABLE idempotency_keys (
  account_id   text COLLATE "C" NOT NULL,
  key          text COLLATE "C" NOT NULL,
  request_hash text NOT NULL,
  job_id       text COLLATE "C" NOT NULL,
  expires_at   timestamptz NOT NULL,
  PRIMARY KEY (account_id, key)
);

-- One row per change of a job, numbered per job (seq) and across all jobs (id): the seam for
-- streams, webhooks and other processes on the same database. `origin` names the store instance
-- that wrote it, so a process can skip its own changes when it reads the feed.
CREATE TABLE job_events (
  id             bigserial PRIMARY KEY,
  job_id         text COLLATE "C" NOT NULL,
  seq            integer NOT NULL,
  account_id     text COLLATE "C" NOT NULL,
  kind           text NOT NULL,
  status         text NOT NULL,
  progress       integer NOT NULL,
  status_message text,
  origin         text NOT NULL,
  created_at     timestamptz NOT NULL,
  UNIQUE (job_id, seq)
);

-- event_horizon returns an event id at or below which the log is settled, or NULL when it could
-- not tell within wait_ms. Ids come from a sequence when a transaction inserts, but become
-- visible when it commits, so they can appear out of order: a feed that moved its cursor to 11
-- while 10 was still uncommitted would never see 10. Every transaction that writes events holds
-- a shared advisory lock (writer_class, writer_key) from its first statement, so: read the
-- sequence's last id, then wait until every transaction that held the lock at that moment has
-- ended. Locks are released after a commit becomes visible, so every id up to `last_id` is then
-- either visible to the next statement or rolled back for good.
CREATE FUNCTION event_horizon(writer_class integer, writer_key integer, wait_ms integer) RETURNS bigint
LANGUAGE plpgsql VOLATILE SET search_path FROM CURRENT AS $$
DECLARE
  last_id bigint;
  writers text[];
  give_up timestamptz := clock_timestamp() + wait_ms * interval '1 millisecond';
BEGIN
  SELECT CASE WHEN is_called THEN last_value ELSE 0 END INTO last_id FROM job_events_id_seq;
  SELECT array_agg(l.virtualtransaction) INTO writers FROM pg_locks l
    WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND l.classid = writer_class::oid AND l.objid = writer_key::oid AND l.pid <> pg_backend_pid();
  WHILE writers IS NOT NULL LOOP
    IF clock_timestamp() >= give_up THEN
      RETURN NULL;
    END IF;
    PERFORM pg_sleep(0.001);
    SELECT array_agg(l.virtualtransaction) INTO writers FROM pg_locks l
      WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND l.classid = writer_class::oid AND l.objid = writer_key::oid AND l.virtualtransaction = ANY (writers);
  END LOOP;
  RETURN last_id;
END
$$;
