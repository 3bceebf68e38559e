// The SSE client swarm: opens `streams` event streams on one job, waits until each got its first
// message, then (told "go") cancels the job and times how long the change takes to reach every
// stream. Its own process, so the server's memory and event loop are the server's alone.
import { type IncomingMessage, request } from 'node:http';
import { childInput, exitWithParent, main, nowMs, onStdinLine, report } from '../lib/child.js';
import { LatencyRecorder } from '../lib/stats.js';

interface Input {
  url: string;
  streamPath: string;
  cancelPath: string;
  headers: Record<string, string>;
  streams: number;
}

main(async () => {
  const input = childInput<Input>();
  exitWithParent(10 * 60_000);
  let go: () => void = () => undefined;
  const told = new Promise<void>((resolve) => (go = resolve));
  onStdinLine((line) => line === 'go' && go());

  let cancelledAt = 0;
  const arrivals = new LatencyRecorder();
  let arrived = 0;
  let allArrived: () => void = () => undefined;
  const everyone = new Promise<void>((resolve) => (allArrived = resolve));
  const responses: IncomingMessage[] = [];

  const open = () =>
    new Promise<void>((resolve, reject) => {
      const req = request(`${input.url}${input.streamPath}`, { headers: input.headers, agent: false }, (res) => {
        if (res.statusCode !== 200) return reject(new Error(`stream: ${res.statusCode}`));
        responses.push(res);
        let messages = 0;
        let opened = false;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          messages += chunk.split('\n\n').length - 1;
          if (!opened && messages >= 1) {
            opened = true;
            resolve();
          }
          if (messages >= 2 && cancelledAt > 0 && chunk.includes('cancelled')) {
            arrivals.record(nowMs() - cancelledAt);
            if (++arrived === input.streams) allArrived();
          }
        });
        res.on('error', () => undefined);
      });
      req.on('error', reject);
      req.end();
    });

  // Open in batches, so the server's accept queue is not the thing being measured.
  for (let opened = 0; opened < input.streams; opened += 200) {
    await Promise.all(Array.from({ length: Math.min(200, input.streams - opened) }, open));
  }
  console.log(`OPEN ${input.streams}`);
  await told;
  cancelledAt = nowMs();
  const cancel = await fetch(`${input.url}${input.cancelPath}`, { method: 'POST', headers: input.headers });
  if (cancel.status !== 200) throw new Error(`cancel: ${cancel.status} ${await cancel.text()}`);
  const timeout = setTimeout(() => allArrived(), 60_000);
  await everyone;
  clearTimeout(timeout);
  for (const res of responses) res.destroy();
  report({ ...arrivals.summary(), reached: arrived });
});
