-- Event writers take the horizon lock and send their NOTIFY from triggers on job_events, so that a
-- job write is one statement: no BEGIN with the lock in front of it, no NOTIFY + COMMIT after it.
-- The NOTIFY payload carries what another process needs to act on each event without reading the
-- feed: an idle worker claims from it, a follower of the job knows which job changed.

-- event_writer_key is the second key of the shared writer lock (the first is LOCK_CLASS_EVENTS in
-- names.ts, 0x4c520002): one per schema, so schemas on one database never wait for each other.
CREATE FUNCTION event_writer_key() RETURNS integer
LANGUAGE sql STABLE SET search_path FROM CURRENT AS $$ SELECT hashtext(current_schema()) & 2147483647 $$;

-- Taken before the statement's first row is formed, so before its event ids are drawn from the
-- sequence, and held to the end of the transaction: what event_horizon waits for.
CREATE FUNCTION job_events_lock_writer() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  PERFORM pg_advisory_xact_lock_shared(1280442370, event_writer_key());
  RETURN NULL;
END
$$;

-- One notification per 40 events (a payload must stay under 8000 bytes), delivered at commit and
-- only if the transaction commits: {"o": origin, "e": [[event id, job id, account id, kind,
-- status, job's event seq, type, priority, run_at in epoch ms, has a webhook URL], …]}, the job's
-- fields as the statement left them. The channel is the schema's (eventChannel in names.ts).
CREATE FUNCTION job_events_notify() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  part record;
BEGIN
  FOR part IN
    SELECT min(e.origin) AS origin,
      json_agg(json_build_array(e.id, e.job_id, e.account_id, e.kind, e.status, e.seq, j.type, j.priority,
        (extract(epoch FROM j.run_at) * 1000)::bigint, j.webhook_url IS NOT NULL) ORDER BY e.id) AS events
    FROM (SELECT n.*, (row_number() OVER (ORDER BY n.id) - 1) / 40 AS part FROM new_rows n) e
    JOIN jobs j ON j.id = e.job_id
    GROUP BY e.part
  LOOP
    PERFORM pg_notify('longrun_events_' || TG_TABLE_SCHEMA, json_build_object('o', part.origin, 'e', part.events)::text);
  END LOOP;
  RETURN NULL;
END
$$;

CREATE TRIGGER job_events_writer_lock BEFORE INSERT ON job_events
  FOR EACH STATEMENT EXECUTE FUNCTION job_events_lock_writer();
CREATE TRIGGER job_events_notified AFTER INSERT ON job_events
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION job_events_notify();

-- A revoked API key is announced on the same channel, {"o": "", "k": key id}, so every process
-- drops it from its cache of verified keys and ends the streams opened with it at once.
CREATE FUNCTION api_keys_notify_revoked() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  PERFORM pg_notify('longrun_events_' || TG_TABLE_SCHEMA, json_build_object('o', '', 'k', NEW.id)::text);
  RETURN NULL;
END
$$;

CREATE TRIGGER api_keys_revoked AFTER UPDATE OF revoked_at ON api_keys
  FOR EACH ROW WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL) EXECUTE FUNCTION api_keys_notify_revoked();

-- event_horizon as before (see 0001), with the writer lock's keys its own.
DROP FUNCTION event_horizon(integer, integer, integer);
CREATE FUNCTION event_horizon(wait_ms integer) RETURNS bigint
LANGUAGE plpgsql VOLATILE SET search_path FROM CURRENT AS $$
DECLARE
  last_id bigint;
  writers text[];
  writer_key oid := event_writer_key()::oid;
  give_up timestamptz := clock_timestamp() + wait_ms * interval '1 millisecond';
BEGIN
  SELECT CASE WHEN is_called THEN last_value ELSE 0 END INTO last_id FROM job_events_id_seq;
  SELECT array_agg(l.virtualtransaction) INTO writers FROM pg_locks l
    WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND l.classid = 1280442370::oid AND l.objid = writer_key AND l.pid <> pg_backend_pid();
  WHILE writers IS NOT NULL LOOP
    IF clock_timestamp() >= give_up THEN
      RETURN NULL;
    END IF;
    PERFORM pg_sleep(0.001);
    SELECT array_agg(l.virtualtransaction) INTO writers FROM pg_locks l
      WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND l.classid = 1280442370::oid AND l.objid = writer_key AND l.virtualtransaction = ANY (writers);
  END LOOP;
  RETURN last_id;
END
$$;
