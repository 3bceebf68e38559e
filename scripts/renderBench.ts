// Render throughput on this machine, 127.0.0.1 only: a fresh server per run (in-memory SQLite),
// the cold start of its first html/pdf (browser launch included), then N more html/pdf jobs
// created at once and the PDFs per second until the last completes. Stops by itself.
//   node --import tsx scripts/renderBench.ts [jobs=40] [workers=1,2] [subresources=0]
import { createServer } from 'node:http';
import { startServer } from '../src/runtime/index.js';

const jobs = Number(process.argv[2] ?? 40);
const workerCounts = (process.argv[3] ?? '1,2').split(',').map(Number);
const subresources = Number(process.argv[4] ?? 0);

// Pages may load images from a local server, to show what the guarded proxy costs per request.
const assets = createServer((_request, response) => response.writeHead(200, { 'content-type': 'image/svg+xml' }).end('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>'));
await new Promise<void>((resolve) => assets.listen(0, '127.0.0.1', resolve));
const assetsPort = (assets.address() as { port: number }).port;
const images = Array.from({ length: subresources }, (_, i) => `<img src="http://127.0.0.1:${assetsPort}/i${i}.svg">`).join('');
const html = `<h1>Invoice</h1>${images}${'<p>Line of the invoice, with some text.</p>'.repeat(40)}`;

for (const workers of workerCounts) {
  const server = await startServer({
    host: '127.0.0.1', port: 0, db: 'sqlite::memory:', durability: 'full', workers, graceMs: 1000,
    bodyLimit: 1 << 20, logLevel: 'silent', adminKey: 'bench', rateLimit: 0,
    service: { allowPrivateTargets: true },
  });
  const account = (await (await fetch(`${server.url}/v1/admin/accounts`, { method: 'POST', headers: { 'x-api-key': 'bench', 'content-type': 'application/json' }, body: '{"name":"bench"}' })).json()) as { apiKey: { key: string } };
  const create = async () => {
    const answer = await fetch(`${server.url}/v1/jobs`, {
      method: 'POST',
      headers: { 'x-api-key': account.apiKey.key, 'content-type': 'application/json', prefer: 'wait=60' },
      body: JSON.stringify({ type: 'html/pdf', input: { html } }),
    });
    const job = (await answer.json()) as { id: string; status: string; error: unknown };
    if (job.status !== 'completed') throw new Error(`job ${job.id} ended ${job.status}: ${JSON.stringify(job.error)}`);
  };
  const coldStarted = performance.now();
  await create();
  const coldMs = performance.now() - coldStarted;
  const started = performance.now();
  await Promise.all(Array.from({ length: jobs }, create));
  const seconds = (performance.now() - started) / 1000;
  console.log(`workers=${workers} subresources=${subresources} cold first render ${coldMs.toFixed(0)} ms; ${jobs} PDFs in ${seconds.toFixed(2)} s = ${(jobs / seconds).toFixed(1)} PDFs/s`);
  await server.close();
}
assets.close();
