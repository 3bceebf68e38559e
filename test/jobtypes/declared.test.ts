// The registry's copies of declared job types: compiled once per revision, compiled again for a
// new one, each schema in a validator of its own (two schemas with one `$id` do not collide), and
// parseDeclaredSpec's checks, which name the field at fault.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeclaredJobType, JsonObject } from '../../src/domain/index.js';
import { BUILTIN_JOB_TYPES, JobTypeRegistry, parseDeclaredSpec } from '../../src/jobtypes/index.js';

function stored(revision: string, properties: JsonObject, extra: JsonObject = {}): DeclaredJobType {
  return {
    type: 'py/reverse',
    description: 'Reverses a text',
    inputSchema: { $id: 'https://example.com/reverse', type: 'object', additionalProperties: false, properties, ...extra },
    privateFields: [],
    creditCost: 1,
    timeoutMs: 1000,
    maxAttempts: 1,
    revision,
    createdAt: new Date(0),
    updatedAt: new Date(0),
  };
}

describe('declared job types in the registry', () => {
  it('compiles a revision once and a new revision again, each with its own schema', () => {
    const registry = new JobTypeRegistry(BUILTIN_JOB_TYPES);
    const first = registry.declared(stored('r1', { text: { type: 'string' } }));
    assert.equal(registry.declared(stored('r1', { text: { type: 'string' } })), first, 'the same revision is not compiled again');
    assert.equal(registry.prepareInput(first, { text: 'a' }).ok, true);

    const second = registry.declared(stored('r2', { n: { type: 'integer', default: 3 } }));
    assert.notEqual(second, first);
    assert.deepEqual(registry.prepareInput(second, {}), { ok: true, input: { n: 3 } });
    assert.deepEqual(registry.prepareInput(second, { text: 'a' }), { ok: false, errors: [{ path: '/input/text', message: 'is not a known field' }] });
    assert.equal(registry.has('py/reverse'), false, 'a declared type is not a type in code');
  });

  it('forgets a declared type, so the next copy is compiled from what the store has', () => {
    const registry = new JobTypeRegistry();
    const first = registry.declared(stored('r1', {}));
    registry.forgetDeclared('py/reverse');
    assert.notEqual(registry.declared(stored('r1', {})), first);
  });
});

describe('parseDeclaredSpec', () => {
  const spec = { type: 'py/reverse', description: 'd', inputSchema: { type: 'object' }, creditCost: 0, timeoutMs: 1, maxAttempts: 1 };

  it('accepts a spec and fills in no private fields', () => {
    assert.deepEqual(parseDeclaredSpec(spec), { ok: true, spec: { ...spec, privateFields: [] } });
  });

  it('names the field at fault', () => {
    const pathsOf = (value: unknown) => {
      const parsed = parseDeclaredSpec(value);
      return parsed.ok ? [] : parsed.errors.map((e) => e.path);
    };
    assert.deepEqual(pathsOf({ ...spec, type: 'a b' }), ['/type']);
    assert.deepEqual(pathsOf({ ...spec, inputSchema: { type: 'string' } }), ['/inputSchema']);
    assert.deepEqual(pathsOf({ ...spec, inputSchema: { type: 'object', properties: { a: { minimum: 'x' } } } }), ['/inputSchema']);
    assert.deepEqual(pathsOf({ ...spec, inputSchema: { type: 'object', description: 'x'.repeat(70_000) } }), ['/inputSchema']);
    assert.deepEqual(pathsOf({ ...spec, creditCost: 1.5 }), ['/creditCost']);
    assert.deepEqual(pathsOf(null), ['']);
    let deep: Record<string, unknown> = { type: 'object' };
    for (let i = 0; i < 100; i++) deep = { type: 'object', properties: { a: deep } };
    assert.deepEqual(pathsOf({ ...spec, inputSchema: deep }), ['']);
  });
});
