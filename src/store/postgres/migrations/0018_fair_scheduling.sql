-- Fair scheduling (issue 17): round robin across accounts within a priority level, with weights,
-- and per-account concurrency caps kept exactly. The rules are stated in domain/claimOrder.ts.
--
-- Each pending job carries `fair_seq`, its turn in its (type, priority) queue: on entering
-- pending it gets one step (1 / its account's weight) past both the queue's head (the first due
-- job in claim order) and its account's last pending job there. An account with 100,000 pending
-- jobs holds turns head+1 … head+100,000; a newcomer gets head+1, so it waits one turn, not
-- 100,000. Computed when a job enters the queue, the claim stays one ordered index read.

ALTER TABLE accounts ADD COLUMN weight double precision NOT NULL DEFAULT 1 CHECK (weight > 0);
ALTER TABLE jobs ADD COLUMN fair_seq double precision NOT NULL DEFAULT 0;

-- Jobs already pending keep their order within their account and take turns from here on.
UPDATE jobs j SET fair_seq = s.n FROM (
  SELECT id, row_number() OVER (PARTITION BY account_id, type, priority ORDER BY id) AS n FROM jobs WHERE status = 'pending'
) s WHERE j.id = s.id;

DROP INDEX jobs_pending_type;
CREATE INDEX jobs_pending_type ON jobs (type, priority DESC, fair_seq, id) WHERE status = 'pending';
-- An account's last turn in a queue, read when its next job enters it.
CREATE INDEX jobs_pending_account ON jobs (account_id, type, priority, fair_seq) WHERE status = 'pending';
-- The recent claim rate of a type, for a pending job's start estimate.
CREATE INDEX jobs_started_type ON jobs (type, started_at) WHERE started_at IS NOT NULL;

-- jobs_fair_seq gives a job entering pending its turn. A job coming back (a retry, a hand-back)
-- keeps its earlier turn unless that is now further back than a new job's would be, so it can
-- neither jump a queue nor wait behind one that formed while it ran. Concurrent entries of one
-- account may share a turn (each reads the committed queue); the id then orders them.
CREATE FUNCTION jobs_fair_seq() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  turn double precision;
BEGIN
  SELECT GREATEST(coalesce(head.fair_seq, 0), coalesce(last.fair_seq, 0)) + 1 / a.weight INTO turn
  FROM accounts a
  LEFT JOIN LATERAL (
    SELECT fair_seq FROM jobs
    WHERE status = 'pending' AND type = NEW.type AND priority = NEW.priority AND run_at <= NEW.updated_at
    ORDER BY priority DESC, fair_seq, id LIMIT 1) head ON true
  LEFT JOIN LATERAL (
    SELECT fair_seq FROM jobs
    WHERE status = 'pending' AND account_id = NEW.account_id AND type = NEW.type AND priority = NEW.priority
    ORDER BY fair_seq DESC LIMIT 1) last ON true
  WHERE a.id = NEW.account_id;
  IF TG_OP = 'UPDATE' THEN
    NEW.fair_seq := LEAST(OLD.fair_seq, coalesce(turn, OLD.fair_seq));
  ELSE
    NEW.fair_seq := coalesce(turn, 1);
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER jobs_fair_seq_on_insert BEFORE INSERT ON jobs
  FOR EACH ROW WHEN (NEW.status = 'pending') EXECUTE FUNCTION jobs_fair_seq();
CREATE TRIGGER jobs_fair_seq_on_requeue BEFORE UPDATE OF status ON jobs
  FOR EACH ROW WHEN (NEW.status = 'pending' AND OLD.status <> 'pending') EXECUTE FUNCTION jobs_fair_seq();

-- account_limits caps how many of an account's jobs run at once: type '' is the whole account,
-- any other value that one type. `running` is the count the cap is checked against; it is kept
-- by jobs_count_changes in the transaction that moves a job in or out of running, and a claim
-- locks the rows it checks, so two claims cannot both take an account's last slot.
CREATE TABLE account_limits (
  account_id      text COLLATE "C" NOT NULL REFERENCES accounts (id),
  type            text COLLATE "C" NOT NULL,
  max_concurrency integer NOT NULL CHECK (max_concurrency >= 0),
  running         integer NOT NULL DEFAULT 0,
  PRIMARY KEY (account_id, type)
);

-- jobs_count_changes as in 0015, and first the running counts of capped accounts. Both sets of
-- rows are locked in key order, the caps first, as the claim locks them: no two writers wait on
-- each other in a cycle. A statement that moves no job in or out of running touches no cap.
CREATE OR REPLACE FUNCTION jobs_count_changes() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO job_counters AS c (account_id, type, status, shard, count)
      SELECT account_id, type, status, pg_backend_pid() % 16, count(*) FROM new_rows
        GROUP BY account_id, type, status ORDER BY account_id, type, status
      ON CONFLICT (account_id, type, status, shard) DO UPDATE SET count = c.count + EXCLUDED.count;
  ELSIF TG_OP = 'UPDATE' THEN
    WITH moves AS MATERIALIZED (
      SELECT n.account_id, k.type, sum(CASE WHEN n.status = 'running' THEN 1 ELSE -1 END) AS d
      FROM old_rows o JOIN new_rows n ON n.id = o.id
      CROSS JOIN LATERAL (VALUES (''::text), (n.type)) AS k (type)
      WHERE (o.status = 'running') <> (n.status = 'running')
      GROUP BY n.account_id, k.type),
    locked AS MATERIALIZED (
      SELECT l.account_id, l.type, m.d FROM account_limits l JOIN moves m ON m.account_id = l.account_id AND m.type = l.type
      ORDER BY l.account_id, l.type FOR UPDATE OF l)
    UPDATE account_limits l SET running = l.running + locked.d FROM locked
      WHERE l.account_id = locked.account_id AND l.type = locked.type AND locked.d <> 0;
    -- A heartbeat or a progress report moves no status: nothing to upsert, no counter row locked.
    INSERT INTO job_counters AS c (account_id, type, status, shard, count)
      SELECT account_id, type, status, pg_backend_pid() % 16, sum(d) FROM (
        SELECT o.account_id, o.type, o.status, -1 AS d FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE o.status <> n.status
        UNION ALL
        SELECT n.account_id, n.type, n.status, 1 AS d FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE o.status <> n.status
      ) moves
        GROUP BY account_id, type, status HAVING sum(d) <> 0 ORDER BY account_id, type, status
      ON CONFLICT (account_id, type, status, shard) DO UPDATE SET count = c.count + EXCLUDED.count;
  ELSE
    INSERT INTO job_counters AS c (account_id, type, status, shard, count)
      SELECT account_id, type, status, pg_backend_pid() % 16, -count(*) FROM old_rows
        GROUP BY account_id, type, status ORDER BY account_id, type, status
      ON CONFLICT (account_id, type, status, shard) DO UPDATE SET count = c.count + EXCLUDED.count;
  END IF;
  RETURN NULL;
END
$$;
