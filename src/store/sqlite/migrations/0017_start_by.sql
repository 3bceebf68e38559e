-- Adds jobs.start_by, a job's deadline to start in ms since the epoch (NULL: none), and an index of the pending jobs that have one.

-- A pending job whose start_by has passed is never claimed (the claim checks it per row) and is
-- failed with `expired` by the deadline sweep, which reads this index oldest deadline first; only
-- pending jobs with a deadline are in it, so it costs nothing to jobs without one.
ALTER TABLE jobs ADD COLUMN start_by INTEGER;
CREATE INDEX jobs_pending_start_by ON jobs (start_by, id) WHERE status = 'pending' AND start_by IS NOT NULL;
