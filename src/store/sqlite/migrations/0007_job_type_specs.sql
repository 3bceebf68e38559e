-- Creates job_type_specs: the job types an operator declared without code, whose jobs wait for remote workers.

-- input_schema and private_fields are JSON text, kept as declared (a schema's key order is what
-- GET /v1/job-types shows). revision is fresh at every put: nodes recompile a spec whose
-- revision changed. Times are ms since the epoch, as everywhere in this driver.
CREATE TABLE job_type_specs (
  type           TEXT PRIMARY KEY,
  description    TEXT NOT NULL,
  input_schema   TEXT NOT NULL,
  private_fields TEXT NOT NULL,
  credit_cost    INTEGER NOT NULL CHECK (credit_cost >= 0),
  timeout_ms     INTEGER NOT NULL CHECK (timeout_ms >= 1),
  max_attempts   INTEGER NOT NULL CHECK (max_attempts BETWEEN 1 AND 100),
  revision       TEXT NOT NULL,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
);
