-- Replaces the pending index with one per type, so a claim reads only the types its worker serves.

-- With one index over every pending job, a worker that serves some types walked past the pending
-- jobs of all the others: a million queued render jobs made every claim of a demo worker read a
-- million rows. Keyed by type first, a claim reads each served type's head and merges them.
DROP INDEX jobs_pending;
CREATE INDEX jobs_pending_type ON jobs (type, priority DESC, id) WHERE status = 'pending';
