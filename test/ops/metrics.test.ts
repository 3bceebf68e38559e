// GET /metrics: Prometheus text with the process, HTTP requests by route pattern, and job changes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startTestServer } from '../helpers/server.js';

describe('GET /metrics', () => {
  it('counts requests by route pattern and the job changes this process made, not relayed ones', async (t) => {
    const server = await startTestServer({ workers: 1 });
    t.after(() => server.close());
    const { key } = await server.createAccount();
    const created = await server.request('POST', '/v1/jobs', {
      key,
      body: { type: 'demo/sleep', input: { durationMs: 0 } },
      headers: { prefer: 'wait=10' },
    });
    assert.equal(created.json.status, 'completed');
    await server.request('GET', `/v1/jobs/${created.json.id}`, { key });
    await server.request('GET', '/v1/jobs/job_nope', { key });
    // A change relayed from another process is that process's to count.
    server.deps.bus.publish({ kind: 'completed', job: (await server.store.jobGet({ id: created.json.id }))!, relayed: true });

    const metrics = await server.request('GET', '/metrics');
    assert.equal(metrics.status, 200);
    assert.match(metrics.headers.get('content-type')!, /^text\/plain/);
    const text = metrics.text;
    assert.match(text, /longrun_http_requests_total\{method="POST",route="\/v1\/jobs",status_code="201"\} 1\n/);
    assert.match(text, /longrun_http_requests_total\{method="GET",route="\/v1\/jobs\/:id",status_code="200"\} 1\n/);
    assert.match(text, /longrun_http_requests_total\{method="GET",route="\/v1\/jobs\/:id",status_code="404"\} 1\n/);
    assert.match(text, /longrun_job_changes_total\{kind="created"\} 1\n/);
    assert.match(text, /longrun_job_changes_total\{kind="completed"\} 1\n/);
    assert.match(text, /longrun_http_request_duration_seconds_bucket\{le="\+Inf",method="POST",route="\/v1\/jobs"\} 1\n/);
    assert.match(text, /longrun_process_resident_memory_bytes \d+/);
  });
});
