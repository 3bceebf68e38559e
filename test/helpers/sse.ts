// An SSE client for tests: connects with a key, parses each message block into {event, id, data},
// skips pings, and hands messages out one at a time as they arrive (no timers).
import type { TestServer } from './server.js';

/** SseEvent is one parsed Server-Sent Events message. */
export interface SseEvent {
  event: string;
  id: string;
  // Untyped on purpose: tests assert on its fields directly.
  data: any;
}

/** SseStream is an open stream: `next` resolves with the next message, or null once it ended. */
export interface SseStream {
  response: Response;
  next(): Promise<SseEvent | null>;
  close(): void;
}

/** openStream connects to `path` with `key` (and extra headers) and returns a reader of parsed messages. */
export async function openStream(server: TestServer, path: string, key: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const controller = new AbortController();
  const response = await fetch(`${server.url}${path}`, { headers: { 'x-api-key': key, ...headers }, signal: controller.signal });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let ended = false;
  async function next(): Promise<SseEvent | null> {
    for (;;) {
      const cut = buffer.indexOf('\n\n');
      if (cut >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        if (block.startsWith(':')) continue; // a ping
        const fields = Object.fromEntries(block.split('\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]));
        return { event: fields.event!, id: fields.id!, data: JSON.parse(fields.data!) };
      }
      if (ended) return null;
      const chunk = await reader.read();
      if (chunk.done) ended = true;
      else buffer += decoder.decode(chunk.value, { stream: true });
    }
  }
  return { response, next, close: () => controller.abort() };
}
