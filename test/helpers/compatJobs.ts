// demo/sleep jobs for the dialect tests: made through the native API (or a dialect's own create),
// and waited for until final on the job's own changes, never a timer.
import assert from 'node:assert/strict';
import { isFinalStatus } from '../../src/domain/index.js';
import { type TestServer, jobReaches, sleepJob } from './server.js';

/** SleepJobs make demo/sleep jobs for one account and return their ids. */
export interface SleepJobs {
  create(input?: Record<string, unknown>): Promise<string>;
  /** finished creates a job and resolves once it is final. */
  finished(input?: Record<string, unknown>): Promise<string>;
}

/**
 * sleepJobs makes demo/sleep jobs with `key()` (read at each call, as tests set it in `before`);
 * `create` defaults to the native `POST /v1/jobs`.
 */
export function sleepJobs(server: () => TestServer, key: () => string, create?: (input: Record<string, unknown>) => Promise<string>): SleepJobs {
  const make =
    create ??
    (async (input: Record<string, unknown>) => {
      const answer = await server().request('POST', '/v1/jobs', { key: key(), body: sleepJob(input) });
      assert.equal(answer.status, 201, answer.text);
      return answer.json.id as string;
    });
  return {
    create: (input = { durationMs: 0 }) => make(input),
    async finished(input = { durationMs: 0 }) {
      const id = await make(input);
      await jobReaches(server(), id, (job) => isFinalStatus(job.status));
      return id;
    },
  };
}
