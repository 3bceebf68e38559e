-- Adds webhook deliveries, their attempt log, and the previous webhook secret kept during a rotation.
-- Lock order (see jobWrites.ts): a job write inserts its delivery rows after the job statement and
-- before any account update; new rows block nobody, and the job_id foreign key takes a KEY SHARE
-- lock on a job row the transaction already holds. Dispatcher writes lock delivery rows only.

-- The secret a rotation replaced keeps signing (a second signature) until its grace ends.
ALTER TABLE accounts ADD COLUMN previous_webhook_secret text;
ALTER TABLE accounts ADD COLUMN previous_webhook_secret_expires_at timestamptz;

-- One row per webhook message of a job event, written in the event's transaction. `payload` is
-- the exact body as text (jsonb would reorder its keys), so every attempt signs the same bytes.
CREATE TABLE webhook_deliveries (
  id               text COLLATE "C" PRIMARY KEY,
  job_id           text COLLATE "C" NOT NULL REFERENCES jobs (id),
  account_id       text COLLATE "C" NOT NULL,
  event_type       text NOT NULL CHECK (event_type IN ('job.started', 'job.progress', 'job.completed', 'job.failed', 'job.cancelled')),
  url              text NOT NULL,
  payload          text NOT NULL,
  state            text NOT NULL CHECK (state IN ('pending', 'delivering', 'succeeded', 'failed')),
  attempts         integer NOT NULL CHECK (attempts >= 0),
  next_attempt_at  timestamptz,
  manual           boolean NOT NULL,
  lease_token      text,
  lease_expires_at timestamptz,
  created_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL,
  -- The state machine's footprint: a due time exactly while pending, a lease exactly while delivering.
  CHECK ((state = 'pending') = (next_attempt_at IS NOT NULL)),
  CHECK ((state = 'delivering') = (lease_token IS NOT NULL AND lease_expires_at IS NOT NULL))
);
-- The dispatcher's paths: pending rows by due time, and leases that ran out (a sender that died).
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_leased ON webhook_deliveries (lease_expires_at) WHERE state = 'delivering';
-- The deliveries route: a job's deliveries in order.
CREATE INDEX webhook_deliveries_job ON webhook_deliveries (job_id, id);

CREATE TABLE webhook_attempts (
  delivery_id text COLLATE "C" NOT NULL REFERENCES webhook_deliveries (id),
  attempt     integer NOT NULL CHECK (attempt >= 1),
  started_at  timestamptz NOT NULL,
  status_code integer,
  error       text,
  duration_ms bigint NOT NULL CHECK (duration_ms >= 0),
  PRIMARY KEY (delivery_id, attempt),
  CHECK (status_code IS NOT NULL OR error IS NOT NULL)
);
