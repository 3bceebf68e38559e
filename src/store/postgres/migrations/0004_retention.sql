-- Adds the indexes retention walks: final jobs by the time they became final, idempotency records by expiry.

-- A final job's updated_at is its final time (nothing changes a final job again).
CREATE INDEX jobs_finished ON jobs (updated_at) WHERE status IN ('completed', 'failed', 'cancelled');
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
