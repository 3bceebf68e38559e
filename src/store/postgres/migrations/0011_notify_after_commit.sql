-- The NOTIFY of job changes moves out of the writing transaction (see notifier.ts). PostgreSQL
-- serialises every transaction that sends a notification on one lock of the database's queue,
-- held through its commit, WAL flush included: under the scale-out load most job writes were
-- seen waiting on it (pg_stat_activity: Lock/object). The writing process now sends the
-- notification itself once the write committed, in a transaction that waits for no flush.
-- The writer lock trigger stays: the feed's catch-up read still needs it.
DROP TRIGGER job_events_notified ON job_events;
DROP FUNCTION job_events_notify();
