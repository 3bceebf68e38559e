// A child process for the first-unpack test: loads the render types, prints `ready`, waits for
// `go` on its standard input, renders one html/pdf on the npm package's Chromium (unpacked into
// this process's TMPDIR), and prints `result <json>`: the page count, or the failure's code and
// message. Two of these started together race for the first unpack, as two workers would.
import { createInterface } from 'node:readline';
import { renderHarness } from './render.js';

const harness = await renderHarness();
const input = createInterface({ input: process.stdin });
console.log('ready');
await new Promise<void>((resolve) => input.once('line', () => resolve()));
input.close();
let result: Record<string, unknown>;
try {
  const run = await harness.run('html/pdf', { html: '<p>first</p>' });
  result = { ok: true, pages: run.output.pages };
} catch (error) {
  result = { ok: false, code: (error as { code?: string }).code, message: String((error as Error).message).split('\n')[0] };
}
console.log(`result ${JSON.stringify(result)}`);
await harness.close();
