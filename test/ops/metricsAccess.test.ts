// Restricting /metrics, on real servers: a token (`--metrics-token`) that a scrape must present,
// and a listen address of its own (`--metrics-listen`) so the API port does not serve it, for
// `longrun serve` and for `longrun worker`, whose webhook and browser metrics live in its process.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseListenAddress } from '../../src/cli/metricsListener.js';
import { UsageError } from '../../src/cli/options.js';
import { spawnLongrun } from '../helpers/processes.js';
import { startTestServer } from '../helpers/server.js';

const TOKEN = 'metrics-token-7c1e';

describe('restricting /metrics', () => {
  it('with a token, answers 401 problem+json to a scrape without it, with another secret, or with an API key', async (t) => {
    const server = await startTestServer({ metricsToken: TOKEN });
    t.after(() => server.close());
    const { key } = await server.createAccount();
    const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer wrong' }, { 'x-api-key': key }, { authorization: `Bearer ${server.adminKey}` }];
    for (const headers of attempts) {
      const refused = await server.request('GET', '/metrics', { headers });
      assert.equal(refused.status, 401, JSON.stringify(headers));
      assert.match(refused.headers.get('content-type')!, /^application\/problem\+json/);
      assert.equal(refused.json.code, 'unauthorized');
      assert.match(refused.json.detail, /LONGRUN_METRICS_TOKEN/);
      assert.ok(!refused.text.includes('longrun_'), 'no metric leaks');
    }
    const scraped = await server.request('GET', '/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(scraped.status, 200);
    assert.match(scraped.text, /^longrun_queue_pending_jobs\{type="demo\/sleep"\} 0$/m);
    // The document says so: a padlock, the bearer scheme.
    const doc = (await server.request('GET', '/openapi.json')).json;
    assert.deepEqual(doc.paths['/metrics'].get.security, [{ bearer: [] }]);
  });

  it('with a listen address, serves /metrics there alone and not on the API port', async (t) => {
    const server = await startTestServer({ metricsListen: { host: '127.0.0.1', port: 0 }, metricsToken: TOKEN });
    t.after(() => server.close());
    assert.ok(server.metricsUrl);
    assert.notEqual(new URL(server.metricsUrl).port, new URL(server.url).port);

    assert.equal((await server.request('GET', '/metrics')).status, 404);
    const doc = (await server.request('GET', '/openapi.json')).json;
    assert.equal(doc.paths['/metrics'], undefined);

    assert.equal((await fetch(server.metricsUrl)).status, 401);
    const scraped = await fetch(server.metricsUrl, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(scraped.status, 200);
    const text = await scraped.text();
    assert.match(text, /^longrun_running_jobs\{type="demo\/sleep"\} 0$/m);
    // The API's requests are counted in the same registry.
    assert.match(text, /^longrun_http_requests_total\{method="GET",route="\/openapi.json",status_code="200"\} 1$/m);
    const other = await fetch(new URL('/v1/jobs', server.metricsUrl), { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(other.status, 404);
    assert.match(other.headers.get('content-type')!, /^application\/problem\+json/);
  });

  it('longrun worker serves its own /metrics on --metrics-listen', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'longrun-worker-metrics-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const worker = spawnLongrun('worker', ['worker', '--data-dir', dir, '--metrics-listen', '127.0.0.1:0', '--log-level', 'info'], { LONGRUN_METRICS_TOKEN: TOKEN });
    t.after(() => worker.kill());
    const [, url] = await worker.waitForLine(/^metrics on (http:\/\/\S+)$/);
    assert.equal((await fetch(url!)).status, 401);
    const scraped = await fetch(url!, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(scraped.status, 200);
    const text = await scraped.text();
    assert.match(text, /^longrun_webhook_attempts_total\{outcome="failed"\} 0$/m);
    assert.match(text, /^longrun_render_browser_launches_total\{outcome="failed"\} 0$/m);
    assert.match(text, /^longrun_queue_pending_jobs\{type="demo\/sleep"\} 0$/m);
  });

  it('reads --metrics-listen as HOST:PORT, [IPv6]:PORT or :PORT, and refuses anything else naming the flag', () => {
    assert.deepEqual(parseListenAddress('0.0.0.0:9464'), { host: '0.0.0.0', port: 9464 });
    assert.deepEqual(parseListenAddress('[::1]:9464'), { host: '::1', port: 9464 });
    assert.deepEqual(parseListenAddress(':9464'), { host: '127.0.0.1', port: 9464 });
    for (const bad of ['9464', 'localhost', 'host:99999', 'host:port', '::1:9464', '']) {
      assert.throws(() => parseListenAddress(bad), (error: unknown) => error instanceof UsageError && /^--metrics-listen must be HOST:PORT/.test((error as Error).message), bad);
    }
  });
});
