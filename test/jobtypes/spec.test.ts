// A job type is a spec (what the API validates a create against) plus an optional handler (what a
// worker runs). A spec alone is a type whose code runs elsewhere: this process accepts its jobs,
// and its workers never claim them.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { UnknownJobTypeError } from '../../src/domain/index.js';
import { loadHandlers } from '../../src/runtime/handlers.js';
import { JobTypeRegistry, defineJobSpec, defineJobType, isJobSpec } from '../../src/jobtypes/index.js';
import { createAccount, createJob } from '../../src/service/index.js';
import { WorkerPool } from '../../src/worker/index.js';
import { memoryDeps } from '../helpers/deps.js';

const remoteSpec = {
  type: 'test/remote',
  description: 'Runs in another process.',
  inputSchema: { type: 'object', additionalProperties: false, properties: { n: { type: 'integer', default: 7 } } },
  creditCost: 2,
  timeoutMs: 1000,
  maxAttempts: 2,
};

const local = defineJobType({
  type: 'test/local',
  description: 'Runs here.',
  inputSchema: { type: 'object' },
  creditCost: 1,
  timeoutMs: 1000,
  maxAttempts: 1,
  run: () => ({ ran: true }),
});

describe('job specs and handlers', () => {
  it('registers a spec alone: it validates input, and has no handler, so no worker serves it', () => {
    const registry = new JobTypeRegistry([defineJobSpec(remoteSpec), local]);
    assert.deepEqual(registry.names(), ['test/local', 'test/remote']);
    assert.deepEqual(registry.runnableNames(), ['test/local']);
    assert.equal(registry.has('test/remote'), true);
    assert.equal(registry.get('test/remote').creditCost, 2);
    assert.deepEqual(registry.prepareInput('test/remote', {}), { ok: true, input: { n: 7 } });
    assert.equal(registry.prepareInput('test/remote', { n: 'x' }).ok, false);
    assert.throws(() => registry.handler('test/remote'), /test\/remote has no handler in this process/);
    assert.throws(() => registry.handler('test/nothing'), UnknownJobTypeError);
    assert.deepEqual(registry.handler('test/local')({} as never), { ran: true });
  });

  it('keeps the handler out of the spec the API lists', () => {
    const registry = new JobTypeRegistry([local]);
    assert.equal('run' in registry.get('test/local'), false);
  });

  it('calls a handler as a method of its definition', async () => {
    const definition = defineJobType({
      ...remoteSpec,
      type: 'test/this',
      label: 'mine',
      run(this: { label: string }) {
        return { label: this.label };
      },
    } as never);
    assert.deepEqual(await new JobTypeRegistry([definition]).handler('test/this')({} as never), { label: 'mine' });
  });

  it('checks a spec as defineJobType does, without asking for run, and drops a run given to it', () => {
    assert.throws(() => defineJobSpec({ ...remoteSpec, maxAttempts: 0 }), /job type "test\/remote": maxAttempts must be a whole number from 1 to 100$/);
    assert.throws(() => defineJobType({ ...remoteSpec } as never), /job type "test\/remote": run must be a function$/);
    const spec = defineJobSpec({ ...remoteSpec, run: () => null } as never);
    assert.equal('run' in spec, false);
    assert.equal(isJobSpec(spec), true);
    assert.equal(isJobSpec({ ...spec }), false, 'the mark does not travel with a copy, so {...spec, run} is a full definition');
    assert.equal(new JobTypeRegistry([spec]).runnableNames().length, 0);
  });

  it('creates jobs of a spec-only type, with its cost and limits; a pool with default types does not claim them', async () => {
    const deps = memoryDeps({ registry: new JobTypeRegistry([defineJobSpec(remoteSpec), local]) });
    try {
      const { account } = await createAccount(deps, { name: 'a', credits: 5 });
      const principal = { accountId: account.id, apiKeyId: null, apiKeyUsed: null };
      const { job } = await createJob(deps, principal, { type: 'test/remote', input: {} });
      assert.equal(job.creditsCharged, 2);
      assert.equal(job.maxAttempts, 2);
      const pool = new WorkerPool(deps, { concurrency: 1 });
      assert.deepEqual(pool.types, ['test/local']);
      await pool.runOnce();
      assert.equal((await deps.store.jobGet({ id: job.id }))!.status, 'pending');
      assert.throws(() => new WorkerPool(deps, { concurrency: 1, types: ['test/remote'] }), /has no handler/);
    } finally {
      await deps.store.close();
    }
  });

  describe('--handlers modules', () => {
    const dir = mkdtempSync(join(tmpdir(), 'longrun-specs-'));
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('loads a spec marked by defineJobSpec (of any copy of Longrun) next to full definitions', async () => {
      // The mark is Symbol.for('longrun.JobSpec'), as another install of longrun would set it.
      writeFileSync(
        join(dir, 'specs.mjs'),
        `const spec = ${JSON.stringify(remoteSpec)};
Object.defineProperty(spec, Symbol.for('longrun.JobSpec'), { value: true });
export const jobTypes = [spec, { ...spec, type: 'test/here', run: () => null }];`,
      );
      const registry = new JobTypeRegistry(await loadHandlers(join(dir, 'specs.mjs')));
      assert.deepEqual(registry.names(), ['test/here', 'test/remote']);
      assert.deepEqual(registry.runnableNames(), ['test/here']);
    });

    it('still refuses a job type that forgot its run', async () => {
      writeFileSync(join(dir, 'norun.mjs'), `export default ${JSON.stringify(remoteSpec)};`);
      await assert.rejects(loadHandlers(join(dir, 'norun.mjs')), /job type "test\/remote": run must be a function/);
    });
  });
});
