// SseStream holds at most the newest message per key while a client is backed up.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { SseStream } from '../../src/http/sse.js';

/** fakeReply is a reply whose socket accepts writes only while `open` is true. */
function fakeReply() {
  const raw = Object.assign(new EventEmitter(), {
    open: true,
    written: [] as string[],
    writeHead() {},
    flushHeaders() {},
    write(text: string) {
      raw.written.push(text);
      return raw.open;
    },
    end() {
      raw.emit('close');
    },
  });
  return { raw, reply: { hijack() {}, raw } as never };
}

describe('SseStream', () => {
  it('coalesces a backed-up client to the newest message per key, in order, and writes them on drain', () => {
    const { raw, reply } = fakeReply();
    const stream = new SseStream({ id: 'req_1' } as never, reply);
    raw.open = false;
    stream.send({ event: 'job', id: '1', data: { n: 1 } }, 'a'); // written, and the socket is now full
    for (let n = 2; n <= 1000; n++) stream.send({ event: 'job', id: String(n), data: { n } }, 'a');
    stream.send({ event: 'job', id: '7', data: { b: true } }, 'b');
    assert.equal(raw.written.length, 1);
    raw.open = true;
    raw.emit('drain');
    assert.equal(raw.written.length, 3);
    assert.match(raw.written[1]!, /^event: job\nid: 1000\ndata: \{"n":1000\}\n\n$/);
    assert.match(raw.written[2]!, /id: 7\n/);
    stream.end();
    assert.ok(stream.isClosed);
  });

  it('refuses an event or id with a line break', () => {
    const { reply } = fakeReply();
    const stream = new SseStream({ id: 'req_1' } as never, reply);
    assert.throws(() => stream.send({ event: 'job\nevil', id: '1', data: {} }));
    assert.throws(() => stream.send({ event: 'job', id: '1\r2', data: {} }));
    stream.end();
  });
});
