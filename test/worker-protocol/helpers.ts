// Worker protocol test plumbing: a worker key issued through the admin API, and a client that
// speaks the protocol to a real listening server with fetch, as a remote worker would.
import assert from 'node:assert/strict';
import type { TestResponse, TestServer } from '../helpers/server.js';

/** issueWorkerKey makes a worker key for `types` through the admin API and returns its secret. */
export async function issueWorkerKey(server: TestServer, types: string[], name = 'test workers'): Promise<{ id: string; key: string }> {
  const answer = await server.request('POST', '/v1/admin/worker-keys', { key: server.adminKey!, body: { name, types } });
  assert.equal(answer.status, 201, answer.text);
  return { id: answer.json.id, key: answer.json.key };
}

/** ClaimedJob is one job of a claim's answer. */
export interface ClaimedJob {
  id: string;
  type: string;
  input: Record<string, unknown>;
  attempt: number;
  maxAttempts: number;
  metadata: Record<string, unknown>;
  timeoutMs: number;
  leaseToken: string;
  leaseExpiresAt: string;
  checkpoint: unknown;
}

/** workerClient speaks the protocol with one worker key. */
export function workerClient(server: TestServer, key: string) {
  const leased = (job: Pick<ClaimedJob, 'leaseToken'>) => ({ 'longrun-lease': job.leaseToken });
  return {
    claim: (body: Record<string, unknown> = { max: 1 }) => server.request('POST', '/v1/worker/claim', { key, body }),
    /** claimOne claims exactly one job (waiting up to 0 s) and returns it. */
    async claimOne(body: Record<string, unknown> = {}): Promise<ClaimedJob> {
      const answer = await server.request('POST', '/v1/worker/claim', { key, body: { max: 1, ...body } });
      assert.equal(answer.status, 200, answer.text);
      assert.equal(answer.json.jobs.length, 1, `one job claimed: ${answer.text}`);
      return answer.json.jobs[0] as ClaimedJob;
    },
    heartbeat: (job: Pick<ClaimedJob, 'id' | 'leaseToken'>, body: Record<string, unknown> = {}) =>
      server.request('POST', `/v1/worker/jobs/${job.id}/heartbeat`, { key, body, headers: leased(job) }),
    complete: (job: Pick<ClaimedJob, 'id' | 'leaseToken'>, output: unknown): Promise<TestResponse> =>
      server.request('POST', `/v1/worker/jobs/${job.id}/complete`, { key, body: { output }, headers: leased(job) }),
    fail: (job: Pick<ClaimedJob, 'id' | 'leaseToken'>, body: Record<string, unknown>) =>
      server.request('POST', `/v1/worker/jobs/${job.id}/fail`, { key, body, headers: leased(job) }),
    release: (job: Pick<ClaimedJob, 'id' | 'leaseToken'>) => server.request('POST', `/v1/worker/jobs/${job.id}/release`, { key, headers: leased(job) }),
    async upload(job: Pick<ClaimedJob, 'id' | 'leaseToken'>, name: string, data: Uint8Array, contentType = 'application/octet-stream'): Promise<TestResponse> {
      const response = await fetch(`${server.url}/v1/worker/jobs/${job.id}/files/${name}`, {
        method: 'PUT',
        headers: { 'x-api-key': key, 'content-type': contentType, ...leased(job) },
        body: data,
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, text, json: /json/.test(response.headers.get('content-type') ?? '') ? JSON.parse(text) : null };
    },
  };
}

/** assertLeaseLost checks a 409 lease_lost answer and its reason. */
export function assertLeaseLost(answer: TestResponse, reason: string): void {
  assert.equal(answer.status, 409, answer.text);
  assert.equal(answer.json.code, 'lease_lost');
  assert.equal(answer.json.reason, reason, answer.text);
}
