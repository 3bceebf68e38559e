// A closed-loop HTTP load generator: autocannon with no pipelining, in its own process so it does
// not share an event loop with the server it measures. `paths` rotates through several URLs;
// `amount` ends the run after that many requests instead of after `durationSec`.
import autocannon from 'autocannon';
import { childInput, exitWithParent, main, report } from '../lib/child.js';
import type { LoadParams } from '../lib/scenario.js';


main(async () => {
  const input = childInput<LoadParams>();
  exitWithParent((input.durationSec + 60) * 1000);
  let next = 0;
  const paths = input.paths;
  const result = await autocannon({
    url: input.url,
    method: input.method ?? 'GET',
    headers: input.headers,
    body: input.body,
    connections: input.connections,
    pipelining: 1,
    duration: input.durationSec,
    amount: input.amount,
    overallRate: input.overallRate,
    requests: paths ? [{ setupRequest: (req: Record<string, unknown>) => ({ ...req, path: paths[next++ % paths.length] }) }] : undefined,
  } as autocannon.Options);
  const seconds = result.duration || input.durationSec;
  report({
    rps: result.requests.total / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  });
});
