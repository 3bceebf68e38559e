// Request latency, one request at a time (so a figure is the server's time, not a queue's):
// GETs rotating through `paths` for `durationMs`, each timed into an HDR histogram.
import { childInput, exitWithParent, main, nowMs, report } from '../lib/child.js';
import { LatencyRecorder } from '../lib/stats.js';

interface Input {
  url: string;
  headers: Record<string, string>;
  paths: string[];
  durationMs: number;
  warmup: number;
}

main(async () => {
  const input = childInput<Input>();
  exitWithParent(input.durationMs + 120_000);
  const recorder = new LatencyRecorder();
  for (let i = 0; i < input.warmup; i++) await get(input, input.paths[i % input.paths.length]!);
  const started = nowMs();
  let count = 0;
  while (nowMs() - started < input.durationMs) {
    const t0 = nowMs();
    await get(input, input.paths[count % input.paths.length]!);
    recorder.record(nowMs() - t0);
    count++;
  }
  report({ ...recorder.summary(), rps: count / ((nowMs() - started) / 1000) });
});

async function get(input: Input, path: string): Promise<void> {
  const response = await fetch(`${input.url}${path}`, { headers: input.headers });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`GET ${path}: ${response.status}`);
}
