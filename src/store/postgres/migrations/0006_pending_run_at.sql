-- Indexes the pending jobs of each type by run_at, so /metrics reads each type's longest-due job in one seek.

-- jobs_pending_type orders by priority first, so the earliest run_at of a type was a walk over
-- all its pending jobs; a scrape every few seconds must not cost more with a deeper queue.
CREATE INDEX jobs_pending_run_at ON jobs (type, run_at) WHERE status = 'pending';
