-- Creates job_aliases: other names a job answers to, such as a compatibility dialect's capability id.

-- An alias is looked up alone (cleariflow's GET carries no key), so it is the primary key; the
-- job's deletion (purge, retention) takes its aliases with it.
CREATE TABLE job_aliases (
  alias      text COLLATE "C" PRIMARY KEY,
  job_id     text COLLATE "C" NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL
);
CREATE INDEX job_aliases_job ON job_aliases (job_id);
