// A `--handlers` module written as a user would write it: outside the checkout, importing
// `defineJobType` and `JobFailure` from the `longrun` package (here a node_modules symlink to the
// checkout, whose package.json exports the built public entry: run `npm run build` first). A real `longrun serve` runs it;
// a JobFailure with its own code and `retryable: false` fails the job once, with that code. The
// same module's types check with tsc as a TypeScript user's would. A type the module declares with
// `defineJobSpec` alone is accepted there and run by a worker process whose module has its handler.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { type LongrunProcess, spawnLongrun } from '../helpers/processes.js';

const root = new URL('../..', import.meta.url).pathname;

const ELSEWHERE_SPEC = `{
  type: 'test/elsewhere',
  description: 'Its code runs in another process.',
  inputSchema: { type: 'object', additionalProperties: false, required: ['n'], properties: { n: { type: 'integer' } } },
  creditCost: 1,
  timeoutMs: 10000,
  maxAttempts: 1,
}`;

const HANDLERS = `
import { JobFailure, defineJobSpec, defineJobType } from 'longrun';
import examples from '${join(root, 'examples/handlers.mjs')}';

export default [
  ...examples,
  defineJobSpec(${ELSEWHERE_SPEC}),
  defineJobType({
    type: 'test/quota',
    description: 'Fails with its own code, for good, when asked for more than 10.',
    inputSchema: { type: 'object', additionalProperties: false, required: ['units'], properties: { units: { type: 'integer' } } },
    creditCost: 1,
    timeoutMs: 10000,
    maxAttempts: 3,
    run({ input }) {
      if (input.units > 10) throw new JobFailure('quota_exceeded', 'Only 10 units are left', false);
      return { units: input.units };
    },
  }),
];
`;

const TYPED_HANDLERS = `
import { type JobContext, JobFailure, defineJobType } from 'longrun';

export default defineJobType<{ units: number }, { units: number }>({
  type: 'test/typed',
  description: 'Typed.',
  inputSchema: { type: 'object', properties: { units: { type: 'integer' } } },
  creditCost: 1,
  timeoutMs: 1000,
  maxAttempts: 1,
  run(ctx: JobContext<{ units: number }>) {
    if (ctx.input.units > 10) throw new JobFailure('quota_exceeded', 'Only 10 units are left', false);
    // @ts-expect-error a JobFailure's code is a string
    new JobFailure(42, 'no');
    return { units: ctx.input.units };
  },
});
`;

describe('--handlers importing longrun', () => {
  let dir: string;
  let server: LongrunProcess;
  let url: string;
  let key: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'longrun-handlers-'));
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(root, join(dir, 'node_modules/longrun'), 'dir');
    writeFileSync(join(dir, 'handlers.mjs'), HANDLERS);
    server = spawnLongrun('serve', ['serve', '--port', '0', '--data-dir', join(dir, 'data'), '--workers', '1', '--handlers', join(dir, 'handlers.mjs')], {
      LONGRUN_ADMIN_KEY: '',
    });
    url = (await server.waitForLine(/^listening on (http:\/\/\S+)$/))[1]!;
    key = (await server.waitForLine(/^\s+(lr_\S+)$/))[1]!;
  });
  after(async () => {
    await server?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  /** createAndWait creates a job and holds the answer until the job is final. */
  const createAndWait = async (body: unknown) => {
    const response = await fetch(`${url}/v1/jobs`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json', prefer: 'wait=60' },
      body: JSON.stringify(body),
    });
    assert.equal(response.status, 201, server.output());
    return (await response.json()) as { status: string; attempts: number; error: { code: string; message: string } | null; output: unknown };
  };

  it('fails a job once with the JobFailure code the module threw, not retried', async () => {
    const job = await createAndWait({ type: 'test/quota', input: { units: 11 } });
    assert.equal(job.status, 'failed');
    assert.deepEqual(job.error, { code: 'quota_exceeded', message: 'Only 10 units are left' });
    assert.equal(job.attempts, 1);
  });

  it('runs the example module: text/uppercase completes, and fails with nothing_to_shout without retrying', async () => {
    const done = await createAndWait({ type: 'text/uppercase', input: { text: 'hello' } });
    assert.equal(done.status, 'completed');
    assert.deepEqual(done.output, { text: 'HELLO' });
    const failed = await createAndWait({ type: 'text/uppercase', input: { text: '1 2 3' }, maxAttempts: 3 });
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error?.code, 'nothing_to_shout');
    assert.equal(failed.attempts, 1);
  });

  it('accepts a job of a spec-only type without running it, and a worker process with its handler runs it', async (t) => {
    const response = await fetch(`${url}/v1/jobs`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'test/elsewhere', input: { n: 3 } }),
    });
    assert.equal(response.status, 201, server.output());
    const { id } = (await response.json()) as { id: string };
    // The server's one worker takes the oldest due job of the types it serves: had it served
    // test/elsewhere, it would have run that job before this one.
    assert.equal((await createAndWait({ type: 'test/quota', input: { units: 1 } })).status, 'completed');
    const waiting = (await (await fetch(`${url}/v1/jobs/${id}`, { headers: { 'x-api-key': key } })).json()) as { status: string; attempts: number };
    assert.deepEqual([waiting.status, waiting.attempts], ['pending', 0]);

    writeFileSync(
      join(dir, 'elsewhere.mjs'),
      `import { defineJobType } from 'longrun';\nexport default defineJobType({ ...${ELSEWHERE_SPEC}, run: ({ input }) => ({ doubled: input.n * 2 }) });\n`,
    );
    const worker = spawnLongrun('worker', ['worker', '--data-dir', join(dir, 'data'), '--types', 'test/elsewhere', '--handlers', join(dir, 'elsewhere.mjs')]);
    t.after(() => worker.kill());
    const done = await fetch(`${url}/v1/jobs/${id}?wait=60`, { headers: { 'x-api-key': key } });
    const job = (await done.json()) as { status: string; output: unknown };
    assert.equal(job.status, 'completed', worker.output());
    assert.deepEqual(job.output, { doubled: 6 });
  });

  it('gives a TypeScript module the types of defineJobType, JobContext and JobFailure', async () => {
    writeFileSync(join(dir, 'typed.ts'), TYPED_HANDLERS);
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          skipLibCheck: true,
          typeRoots: [join(root, 'node_modules/@types')],
          types: ['node'],
        },
        files: ['typed.ts'],
      }),
    );
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    await promisify(execFile)(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')]).catch((error: { stdout: string }) => {
      assert.fail(`tsc: ${error.stdout}`);
    });
  });
});
