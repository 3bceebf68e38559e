// The remote worker's HTTP client against small real servers: an API that is briefly unavailable
// (503) or not listening at all is retried with backoff; a lost lease and a refusal are not.
import assert from 'node:assert/strict';
import { type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { LeaseLostError } from '../../src/domain/index.js';
import { WorkerApiError, fetchWorkerKey, remoteLink } from '../../src/worker/index.js';

/** listen starts a server on 127.0.0.1 that answers each request with `answer(n)` (n counts from 1) and returns its URL. */
async function listen(answer: (n: number, response: ServerResponse) => void): Promise<{ url: string; server: Server; requests: () => number }> {
  let n = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => answer(++n, response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, requests: () => n };
}

function send(response: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  response.writeHead(status, { 'content-type': type }).end(JSON.stringify(body));
}

const fast = { baseMs: 1, maxMs: 2, tries: 4 };

describe('remote worker HTTP client', () => {
  const servers: Server[] = [];
  after(() => servers.forEach((server) => {
    server.closeAllConnections();
    server.close();
  }));

  it('retries while the API answers 503, then returns its answer', async () => {
    const api = await listen((n, response) => (n <= 2 ? send(response, 503, { code: 'unavailable' }) : send(response, 200, { id: 'wk_1', name: 'gpu', types: ['a/b'] })));
    servers.push(api.server);
    const retries: string[] = [];
    const key = await fetchWorkerKey({ url: api.url, workerKey: 'lrw_x', retry: fast, onRetry: (_error, what) => retries.push(what) });
    assert.deepEqual(key, { id: 'wk_1', name: 'gpu', types: ['a/b'] });
    assert.deepEqual(retries, ['GET /v1/worker/key', 'GET /v1/worker/key']);
    assert.equal(api.requests(), 3);
  });

  it('retries while nothing listens, and gives up after its tries with the network error', async () => {
    const gone = await listen(() => undefined);
    await new Promise((resolve) => gone.server.close(resolve));
    let retries = 0;
    await assert.rejects(fetchWorkerKey({ url: gone.url, workerKey: 'lrw_x', retry: fast, onRetry: () => retries++ }), TypeError);
    assert.equal(retries, fast.tries - 1);
  });

  it('turns 409 lease_lost into LeaseLostError with its reason, at once', async () => {
    const api = await listen((_n, response) => send(response, 409, { code: 'lease_lost', reason: 'cancelled' }, 'application/problem+json'));
    servers.push(api.server);
    let retries = 0;
    const link = remoteLink({ url: api.url, workerKey: 'lrw_x', retry: fast, onRetry: () => retries++ });
    const error = await link.heartbeat({ id: 'job_1', leaseToken: 'lease' }).then(() => null, (e: unknown) => e);
    assert.ok(error instanceof LeaseLostError);
    assert.equal(error.reason, 'cancelled');
    assert.equal(retries, 0);
  });

  it('does not retry a refusal: a 400 is a WorkerApiError with its status, code and detail', async () => {
    const api = await listen((_n, response) => send(response, 400, { code: 'invalid_request', detail: '/output/files/0/name: names no file' }, 'application/problem+json'));
    servers.push(api.server);
    const link = remoteLink({ url: api.url, workerKey: 'lrw_x', retry: fast });
    const error = await link.complete({ id: 'job_1', leaseToken: 'lease' }, { output: null, size: 0, processTime: 0 }).then(() => null, (e: unknown) => e);
    assert.ok(error instanceof WorkerApiError);
    assert.equal(error.status, 400);
    assert.equal(error.code, 'invalid_request');
    assert.match(error.message, /names no file/);
    assert.equal(api.requests(), 1);
  });

  it('a heartbeat still under way (the API slow or retrying) is not sent again: the next one returns at once', async () => {
    let answerFirst!: () => void;
    let arrived!: () => void;
    const firstArrived = new Promise<void>((resolve) => (arrived = resolve));
    const api = await listen((_n, response) => {
      answerFirst = () => send(response, 200, { id: 'job_1' });
      arrived();
    });
    servers.push(api.server);
    const link = remoteLink({ url: api.url, workerKey: 'lrw_x', retry: fast });
    const attempt = { id: 'job_1', leaseToken: 'lease' };
    const first = link.heartbeat(attempt);
    await firstArrived;
    await link.heartbeat(attempt); // returns without a request of its own
    answerFirst();
    await first;
    assert.equal(api.requests(), 1);
  });

  it('a claim stopped by its signal answers no jobs instead of failing', async () => {
    const controller = new AbortController();
    // A long-poll that never answers; the pool stops once the claim is under way.
    const api = await listen(() => controller.abort());
    servers.push(api.server);
    const link = remoteLink({ url: api.url, workerKey: 'lrw_x', retry: fast, waitSeconds: 20 });
    const claim = link.claim({ workerId: 'w', types: ['a/b'], limit: 1, signal: controller.signal });
    assert.deepEqual(await claim, []);
  });
});
