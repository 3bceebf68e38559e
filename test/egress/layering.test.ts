// egress sits just above domain and log: service, webhooks and render import it, so it must
// import none of them (or anything else of ours above it), or the import circles come back.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';

const EGRESS = new URL('../../src/egress/', import.meta.url);
const ALLOWED = /^(\.\/|\.\.\/(domain|log)\/)/;

describe('src/egress imports', () => {
  it('imports only its own files, domain, log and Node', () => {
    const files = readdirSync(EGRESS).filter((name) => name.endsWith('.ts'));
    assert.ok(files.includes('urlGuard.ts'), 'the scan found the egress files');
    for (const file of files) {
      const text = readFileSync(new URL(file, EGRESS), 'utf8');
      for (const [, from] of text.matchAll(/^(?:import|export)\s[^;]*?\sfrom\s+'([^']+)'/gms)) {
        assert.ok(from!.startsWith('node:') || ALLOWED.test(from!), `${file} imports ${from}`);
      }
    }
  });
});
