// The Range header as the file route reads it (the service takes the parsed range).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseByteRange } from '../../src/http/range.js';

describe('parseByteRange', () => {
  it('reads one bytes= range and ignores anything else', () => {
    assert.deepEqual(parseByteRange('bytes=0-99'), { start: 0, end: 99 });
    assert.deepEqual(parseByteRange('bytes=100-'), { start: 100, end: null });
    assert.deepEqual(parseByteRange('bytes=-5'), { suffix: 5 });
    for (const ignored of [undefined, 'bytes=0-1,4-5', 'items=0-1', 'bytes=5-1', 'bytes=-', 'bytes=a-b']) assert.equal(parseByteRange(ignored), null, String(ignored));
  });
});
