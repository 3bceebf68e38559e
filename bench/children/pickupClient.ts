// Pickup latency: stamp the wall time, POST a bench/noop job carrying it and wait for the job to
// finish (Prefer: wait); the handler returns how long after the stamp it started. By default one
// sample at a time; with `ratePerSec` the samples are sent at that pace (open loop, each started
// on its schedule whether or not the one before has finished), for pickup at a given light load.
// Optional background load keeps the server busy meanwhile (see pickup: under load).
import { setTimeout as sleep } from 'node:timers/promises';
import { childInput, exitWithParent, main, nowMs, report } from '../lib/child.js';
import { LatencyRecorder } from '../lib/stats.js';

interface Input {
  url: string;
  key: string;
  samples: number;
  warmup: number;
  /** ratePerSec paces the samples; unset, each is sent when the one before finished. */
  ratePerSec?: number;
}

main(async () => {
  const input = childInput<Input>();
  exitWithParent(10 * 60_000);
  const recorder = new LatencyRecorder();
  const headers = { 'content-type': 'application/json', 'x-api-key': input.key, prefer: 'wait=10' };
  const total = input.samples + input.warmup;
  const sample = async (i: number): Promise<void> => {
    const body = JSON.stringify({ type: 'bench/noop', input: { sentAt: nowMs() } });
    const response = await fetch(`${input.url}/v1/jobs`, { method: 'POST', headers, body });
    const job = (await response.json()) as { status: string; output: { pickupMs: number } | null };
    if (response.status !== 201 || job.status !== 'completed' || !job.output) {
      throw new Error(`sample ${i}: ${response.status} ${JSON.stringify(job).slice(0, 300)}`);
    }
    if (i >= input.warmup) recorder.record(job.output.pickupMs);
  };
  if (!input.ratePerSec) {
    for (let i = 0; i < total; i++) await sample(i);
  } else {
    // Each sample is due at its own time from the start, so a slow answer does not delay the next.
    const intervalMs = 1000 / input.ratePerSec;
    const started = nowMs();
    let failure: unknown;
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < total && failure === undefined; i++) {
      const wait = started + i * intervalMs - nowMs();
      if (wait > 0) await sleep(wait);
      inFlight.push(sample(i).catch((error: unknown) => void (failure ??= error)));
    }
    await Promise.all(inFlight);
    if (failure !== undefined) throw failure;
  }
  report(recorder.summary());
});
