-- Creates job_files and job_file_chunks: jobs' output files kept in the database (`--files postgres`), deleted with their job.
-- A file's bytes are a blob: rows of up to chunk_bytes each, numbered from 0. A write inserts the
-- new blob's chunks first (each its own statement, so a slow upload holds no transaction), then
-- points the file at it and deletes the blob it replaced in one transaction: a reader sees the
-- old file or the new one. A blob no file points at is an upload in progress or one that died;
-- its chunks go with the job at the latest (ON DELETE CASCADE), as do the files.

CREATE TABLE job_files (
  job_id       text COLLATE "C" NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  name         text COLLATE "C" NOT NULL,
  blob_id      text COLLATE "C" NOT NULL,
  content_type text NOT NULL,
  size         bigint NOT NULL CHECK (size >= 0),
  chunk_bytes  integer NOT NULL CHECK (chunk_bytes > 0),
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (job_id, name)
);

CREATE TABLE job_file_chunks (
  blob_id text COLLATE "C" NOT NULL,
  seq     integer NOT NULL CHECK (seq >= 0),
  job_id  text COLLATE "C" NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  data    bytea NOT NULL,
  PRIMARY KEY (blob_id, seq)
);
-- The cascade from jobs and deleteJobFiles find a job's chunks by job.
CREATE INDEX job_file_chunks_job ON job_file_chunks (job_id);
-- Media is mostly compressed already: keep chunks uncompressed out of line, so a range read
-- (substring) fetches only the slices it needs.
ALTER TABLE job_file_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
