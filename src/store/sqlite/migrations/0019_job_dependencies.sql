-- Job dependencies (issue 18); the PostgreSQL migration of the same number says how they work.
ALTER TABLE jobs ADD COLUMN after_jobs TEXT;
ALTER TABLE jobs ADD COLUMN has_dependents INTEGER NOT NULL DEFAULT 0;

CREATE TABLE job_dependencies (
  job_id     TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  depends_on TEXT NOT NULL,
  failed     INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (job_id, depends_on)
) WITHOUT ROWID;
CREATE INDEX job_dependencies_depends_on ON job_dependencies (depends_on);
CREATE INDEX job_dependencies_failed ON job_dependencies (job_id) WHERE failed;

CREATE TRIGGER jobs_dependencies_settled AFTER UPDATE OF status ON jobs
  WHEN old.status <> new.status AND new.status IN ('completed', 'failed', 'cancelled')
    AND (new.after_jobs IS NOT NULL OR new.has_dependents) BEGIN
  DELETE FROM job_dependencies WHERE new.after_jobs IS NOT NULL AND job_id = new.id;
  DELETE FROM job_dependencies WHERE new.has_dependents AND new.status = 'completed' AND depends_on = new.id;
  UPDATE job_dependencies SET failed = 1 WHERE new.has_dependents AND new.status <> 'completed' AND depends_on = new.id AND NOT failed;
END;
