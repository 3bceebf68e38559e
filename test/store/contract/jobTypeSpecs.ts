// Contract: declared job types (put creates or replaces, get, list by name, delete), kept as
// declared, down to the order of the schema's keys.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DeclaredJobTypeSpec, ulid } from '../../../src/domain/index.js';
import { T0, at, makeAccount, makeJob } from '../../helpers/factories.js';
import { type OpenStore, useFreshStore } from '../../helpers/store.js';

/** declared builds a spec for `type`; the schema's keys are deliberately out of alphabetical order. */
function declared(type: string, overrides: Partial<DeclaredJobTypeSpec> = {}): DeclaredJobTypeSpec {
  return {
    type,
    description: 'Reverses text — on a GPU, naturally',
    inputSchema: {
      type: 'object',
      required: ['text'],
      properties: { text: { type: 'string', maxLength: 100 }, apiToken: { type: 'string' }, count: { type: 'integer', default: 1 } },
      additionalProperties: false,
    },
    privateFields: ['apiToken'],
    creditCost: 3,
    timeoutMs: 60_000,
    maxAttempts: 2,
    ...overrides,
  };
}

export function describeJobTypeSpecs(open: OpenStore): void {
  describe('declared job types', () => {
    const store = useFreshStore(open);

    it('declares a type and reads it back as it was put', async () => {
      const spec = declared('py/reverse');
      const revision = ulid();
      const put = await store().jobTypeSpecPut({ spec, revision, now: T0 });
      assert.equal(put.created, true);
      const expected = { ...spec, revision, createdAt: T0, updatedAt: T0 };
      assert.deepEqual(put.jobType, expected);
      const got = await store().jobTypeSpecGet({ type: 'py/reverse' });
      assert.deepEqual(got, expected);
      // Key order too: clients are shown the schema as it was declared.
      assert.equal(JSON.stringify(got!.inputSchema), JSON.stringify(spec.inputSchema));
    });

    it('returns null for a type nobody declared', async () => {
      assert.equal(await store().jobTypeSpecGet({ type: 'py/nothing' }), null);
    });

    it('replaces a declared type: new fields and revision, the first createdAt kept', async () => {
      await store().jobTypeSpecPut({ spec: declared('py/reverse'), revision: ulid(), now: T0 });
      const spec = declared('py/reverse', {
        description: 'v2',
        inputSchema: { type: 'object', properties: { words: { type: 'array', items: { type: 'string' } } } },
        privateFields: [],
        creditCost: 0,
        timeoutMs: 5,
        maxAttempts: 100,
      });
      const revision = ulid();
      const put = await store().jobTypeSpecPut({ spec, revision, now: at(60_000) });
      assert.equal(put.created, false);
      const expected = { ...spec, revision, createdAt: T0, updatedAt: at(60_000) };
      assert.deepEqual(put.jobType, expected);
      assert.deepEqual(await store().jobTypeSpecGet({ type: 'py/reverse' }), expected);
      assert.equal((await store().jobTypeSpecList()).length, 1);
    });

    it('lists every declared type by name', async () => {
      assert.deepEqual(await store().jobTypeSpecList(), []);
      for (const type of ['video/render', 'a/b', 'py/reverse']) await store().jobTypeSpecPut({ spec: declared(type), revision: ulid(), now: T0 });
      assert.deepEqual((await store().jobTypeSpecList()).map((t) => t.type), ['a/b', 'py/reverse', 'video/render']);
    });

    it('deletes a declared type once, leaving the jobs made of it as they were', async () => {
      await store().jobTypeSpecPut({ spec: declared('py/reverse'), revision: ulid(), now: T0 });
      await store().jobTypeSpecPut({ spec: declared('py/other'), revision: ulid(), now: T0 });
      const account = await makeAccount(store());
      const job = await makeJob(store(), { accountId: account.id, type: 'py/reverse' });
      assert.equal(await store().jobTypeSpecDelete({ type: 'py/reverse' }), true);
      assert.equal(await store().jobTypeSpecGet({ type: 'py/reverse' }), null);
      assert.equal(await store().jobTypeSpecDelete({ type: 'py/reverse' }), false);
      assert.deepEqual((await store().jobTypeSpecList()).map((t) => t.type), ['py/other']);
      assert.deepEqual(await store().jobGet({ id: job.id }), job);
    });

    it('declares a deleted type again as new', async () => {
      await store().jobTypeSpecPut({ spec: declared('py/reverse'), revision: ulid(), now: T0 });
      await store().jobTypeSpecDelete({ type: 'py/reverse' });
      const put = await store().jobTypeSpecPut({ spec: declared('py/reverse'), revision: ulid(), now: at(1_000) });
      assert.equal(put.created, true);
      assert.deepEqual(put.jobType.createdAt, at(1_000));
    });
  });
}
