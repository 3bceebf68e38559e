// Closing a server ends its long-polls at once instead of waiting them out.
import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { startTestServer } from '../helpers/server.js';

describe('server shutdown', () => {
  it('answers a pending long-poll with the job as it stands when the server closes', async () => {
    const server = await startTestServer({ adminKey: null });
    const headers = { 'x-api-key': server.firstStart!.key, 'content-type': 'application/json' };
    const created = await fetch(`${server.url}/v1/jobs`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ type: 'demo/sleep', input: { durationMs: 0 } }),
    });
    const { id } = (await created.json()) as { id: string };
    const listeners = server.deps.bus.listenerCount();
    const poll = fetch(`${server.url}/v1/jobs/${id}?wait=60`, { headers });
    // The long-poll is waiting once it listens on the bus (no worker runs, so it would wait 60 s).
    for (let turn = 0; server.deps.bus.listenerCount() === listeners; turn++) {
      assert.ok(turn < 100_000, 'the long-poll never started waiting');
      await nextTurn();
    }
    const started = performance.now();
    await server.close();
    const answer = await poll;
    assert.equal(answer.status, 200);
    assert.equal(((await answer.json()) as { status: string }).status, 'pending');
    assert.ok(performance.now() - started < 30_000, 'close waited out the long-poll');
  });
});
