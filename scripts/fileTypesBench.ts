// Seconds per job of image/transform, pdf/extract, jobs/export, web/crawl and video/slideshow on this machine,
// 127.0.0.1 only (the crawl's site too, so private targets are allowed for this run):
// a fresh server (in-memory SQLite, one worker), each job created and waited for in turn through
// the whole API (create, claim, run, store, complete). The sources are made first with html/image
// and html/pdf and read by { fromJob, file }. Stops by itself. A word after the script runs only
// the measures whose label holds it (`video`).
//   node --import tsx scripts/fileTypesBench.ts [word]
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { jobReaches, startTestServer } from '../test/helpers/server.js';

const server = await startTestServer({ workers: 1, service: { allowPrivateTargets: true }, render: { chromiumPath: process.env.LONGRUN_CHROMIUM } });
// A site of 20 pages, each linking to the next two, with a paragraph of text.
const site = createServer((request, response) => {
  const n = Number((request.url ?? '/').slice(1)) || 0;
  const links = [n + 1, n + 2].filter((m) => m < 20).map((m) => `<a href="/${m}">page ${m}</a>`).join(' ');
  response.writeHead(request.url === '/robots.txt' ? 404 : 200, { 'content-type': 'text/html' }).end(`<title>Page ${n}</title><article><h1>Page ${n}</h1>${'<p>Some text of the page, to be read. </p>'.repeat(10)}</article>${links}`);
});
await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
const siteUrl = `http://127.0.0.1:${(site.address() as { port: number }).port}/`;
const owner = await server.createAccount({ credits: null });
async function run(type: string, input: unknown) {
  const created = await server.request('POST', '/v1/jobs', { key: owner.key, body: { type, input } });
  if (created.status !== 201) throw new Error(created.text);
  const job = await jobReaches(server, created.json.id, (j) => ['completed', 'failed'].includes(j.status));
  if (job.status !== 'completed') throw new Error(JSON.stringify(job.error));
  return job;
}
const only = process.argv[2];
async function time(label: string, n: number, make: () => Promise<unknown>) {
  if (only !== undefined && !label.includes(only)) return;
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
await time('web/crawl of a 20-page local site', 3, () => run('web/crawl', { url: siteUrl, maxPages: 20, maxDepth: 20 }));
const slides = Array.from({ length: 5 }, (_, i) => ({ html: `<body style="margin:0;background:hsl(${i * 70},60%,40%);color:white;font:64px sans-serif;padding:80px"><h1>Slide ${i + 1}</h1><p>A point worth making.</p></body>` }));
await time('video/slideshow 5 HTML slides x 2 s, 1280x720, 30 fps', 3, () => run('video/slideshow', { frames: slides, durationMs: 2000 }));
await time('video/slideshow the same with a 500 ms crossfade', 3, () => run('video/slideshow', { frames: slides, durationMs: 2000, crossfadeMs: 500 }));
await server.close();
site.close();
