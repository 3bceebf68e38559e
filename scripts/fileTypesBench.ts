// Seconds per job of image/transform, pdf/extract and jobs/export on this machine, 127.0.0.1 only:
// a fresh server (in-memory SQLite, one worker), each job created and waited for in turn through
// the whole API (create, claim, run, store, complete). The sources are made first with html/image
// and html/pdf and read by { fromJob, file }. Stops by itself.
//   node --import tsx scripts/fileTypesBench.ts
import { performance } from 'node:perf_hooks';
import { jobReaches, startTestServer } from '../test/helpers/server.js';

const server = await startTestServer({ workers: 1, render: { chromiumPath: process.env.LONGRUN_CHROMIUM } });
const owner = await server.createAccount({ credits: null });
async function run(type: string, input: unknown) {
  const created = await server.request('POST', '/v1/jobs', { key: owner.key, body: { type, input } });
  if (created.status !== 201) throw new Error(created.text);
  const job = await jobReaches(server, created.json.id, (j) => ['completed', 'failed'].includes(j.status));
  if (job.status !== 'completed') throw new Error(JSON.stringify(job.error));
  return job;
}
async function time(label: string, n: number, make: () => Promise<unknown>) {
  await make(); // warm
  const t = performance.now();
  for (let i = 0; i < n; i++) await make();
  const s = (performance.now() - t) / 1000 / n;
  console.log(`${label}: ${s.toFixed(3)} s/job (${(1 / s).toFixed(1)} jobs/s), ${n} jobs, one worker`);
}
const shot = await run('html/image', { html: '<h1 style="font-size:80px">Hello</h1><p>'.padEnd(3000, 'x') + '</p>', viewport: { width: 1280, height: 800 } });
const pages = Array.from({ length: 10 }, (_, i) => `<h2>Page ${i + 1}</h2>${'<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(20)}</p>`).join('<div style="break-before:page"></div>');
const doc = await run('html/pdf', { html: pages });
console.log('pdf pages', (doc.output as any).pages, 'bytes', (doc.output as any).files[0].size, 'png bytes', (shot.output as any).files[0].size);
await time('image/transform 1280x800 PNG -> 640 wide webp', 20, () => run('image/transform', { source: { fromJob: shot.id, file: 'image.png' }, width: 640, format: 'webp' }));
await time('image/transform 1280x800 PNG -> 640x640 cover avif', 10, () => run('image/transform', { source: { fromJob: shot.id, file: 'image.png' }, width: 640, height: 640, format: 'avif' }));
await time('pdf/extract 10-page PDF', 20, () => run('pdf/extract', { source: { fromJob: doc.id, file: 'document.pdf' } }));
for (let i = 0; i < 1000; i++) await server.request('POST', '/v1/jobs', { key: owner.key, body: { type: 'demo/sleep', input: { durationMs: 0 }, metadata: { i } } });
await time('jobs/export CSV of ~1000 jobs', 5, () => run('jobs/export', { type: 'demo/sleep' }));
await time('jobs/export NDJSON of ~1000 jobs', 5, () => run('jobs/export', { type: 'demo/sleep', format: 'ndjson' }));
await server.close();
