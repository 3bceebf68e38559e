// Pickup latency, one sample at a time: stamp the wall time, POST a bench/noop job carrying it
// and wait for the job to finish (Prefer: wait); the handler returns how long after the stamp it
// started. Optional background load keeps the server busy meanwhile (see pickup: under load).
import { childInput, exitWithParent, main, nowMs, report } from '../lib/child.js';
import { LatencyRecorder } from '../lib/stats.js';

interface Input {
  url: string;
  key: string;
  samples: number;
  warmup: number;
}

main(async () => {
  const input = childInput<Input>();
  exitWithParent(10 * 60_000);
  const recorder = new LatencyRecorder();
  const headers = { 'content-type': 'application/json', 'x-api-key': input.key, prefer: 'wait=10' };
  for (let i = 0; i < input.samples + input.warmup; i++) {
    const body = JSON.stringify({ type: 'bench/noop', input: { sentAt: nowMs() } });
    const response = await fetch(`${input.url}/v1/jobs`, { method: 'POST', headers, body });
    const job = (await response.json()) as { status: string; output: { pickupMs: number } | null };
    if (response.status !== 201 || job.status !== 'completed' || !job.output) {
      throw new Error(`sample ${i}: ${response.status} ${JSON.stringify(job).slice(0, 300)}`);
    }
    if (i >= input.warmup) recorder.record(job.output.pickupMs);
  }
  report(recorder.summary());
});
