-- Job dependencies (issue 18): a job created with `after: [ids]` stays pending until each of
-- those jobs has completed, and fails with dependency_failed once one of them fails or is
-- cancelled (domain/dependencies.ts).
--
-- after_jobs is the list as created, for the job's view. has_dependents marks a job that some
-- job was created after while it could still change: only such a job's end touches
-- job_dependencies, so the jobs nobody waits for pay nothing for the feature.
ALTER TABLE jobs ADD COLUMN after_jobs jsonb, ADD COLUMN has_dependents boolean NOT NULL DEFAULT false;

-- job_dependencies holds the dependencies not yet met, a row per (waiting job, job it waits
-- for): written with the waiting job's create, deleted when the awaited job completes or the
-- waiting job ends, and marked `failed` when the awaited job fails or is cancelled (or was gone
-- at the create). The claim passes over a job that has a row here; the sweep fails a pending
-- job that has a failed one (job_dependencies_failed).
CREATE TABLE job_dependencies (
  job_id     text COLLATE "C" NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  depends_on text COLLATE "C" NOT NULL,
  failed     boolean NOT NULL DEFAULT false,
  PRIMARY KEY (job_id, depends_on)
);
CREATE INDEX job_dependencies_depends_on ON job_dependencies (depends_on);
CREATE INDEX job_dependencies_failed ON job_dependencies (job_id) WHERE failed;

-- In the transaction that ends a job: a waiting job's own rows go, and the rows that wait for
-- it are met (completed) or failed. Lock order: the job row (held by the ending write), then
-- these rows, then the counters (statement triggers fire after row triggers).
CREATE FUNCTION job_dependencies_settle() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  IF NEW.after_jobs IS NOT NULL THEN
    DELETE FROM job_dependencies WHERE job_id = NEW.id;
  END IF;
  IF NEW.has_dependents THEN
    IF NEW.status = 'completed' THEN
      DELETE FROM job_dependencies WHERE depends_on = NEW.id;
    ELSE
      UPDATE job_dependencies SET failed = true WHERE depends_on = NEW.id AND NOT failed;
    END IF;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER jobs_dependencies_settled AFTER UPDATE OF status ON jobs
  FOR EACH ROW WHEN (OLD.status <> NEW.status AND NEW.status IN ('completed', 'failed', 'cancelled')
    AND (NEW.after_jobs IS NOT NULL OR NEW.has_dependents))
  EXECUTE FUNCTION job_dependencies_settle();
