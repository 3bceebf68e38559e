-- Creates job_type_specs: the job types an operator declared without code, whose jobs wait for remote workers.

-- input_schema is text, not jsonb: jsonb would reorder a schema's keys, and GET /v1/job-types
-- shows it as declared. revision is fresh at every put: nodes recompile a spec whose revision
-- changed.
CREATE TABLE job_type_specs (
  type           text COLLATE "C" PRIMARY KEY,
  description    text NOT NULL,
  input_schema   text NOT NULL,
  private_fields jsonb NOT NULL,
  credit_cost    bigint NOT NULL CHECK (credit_cost >= 0),
  timeout_ms     bigint NOT NULL CHECK (timeout_ms >= 1),
  max_attempts   integer NOT NULL CHECK (max_attempts BETWEEN 1 AND 100),
  revision       text NOT NULL,
  created_at     timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL
);
