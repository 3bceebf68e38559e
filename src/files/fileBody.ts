// Reading a file's body the same way in every driver: as byte chunks, bounded, and cut into the
// driver's own chunk size. Only one chunk is held at a time, so a file is never whole in memory.
import { type FileBody, FileTooLargeError } from './fileStore.js';

/**
 * boundedChunks yields the body's bytes as they arrive and throws FileTooLargeError as soon as
 * they pass `maxBytes` (undefined: no bound), before the chunk that passes it is handed on.
 */
export async function* boundedChunks(body: FileBody, name: string, maxBytes?: number): AsyncGenerator<Uint8Array> {
  const source: AsyncIterable<Uint8Array> | Uint8Array[] = body instanceof Uint8Array ? [body] : body;
  let total = 0;
  for await (const chunk of source) {
    if (!(chunk instanceof Uint8Array)) throw new TypeError(`the body of ${name} yielded ${typeof chunk}, not bytes`);
    total += chunk.byteLength;
    if (maxBytes !== undefined && total > maxBytes) throw new FileTooLargeError(name, maxBytes);
    if (chunk.byteLength > 0) yield chunk;
  }
}

/**
 * fixedChunks regroups `source` into chunks of exactly `size` bytes (the last may be shorter,
 * and an empty source yields nothing). It copies only what straddles a boundary.
 */
export async function* fixedChunks(source: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<Uint8Array> {
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  for await (let chunk of source) {
    while (pendingBytes + chunk.byteLength >= size) {
      const take = size - pendingBytes;
      pending.push(chunk.subarray(0, take));
      yield pending.length === 1 ? pending[0]! : Buffer.concat(pending, size);
      chunk = chunk.subarray(take);
      pending = [];
      pendingBytes = 0;
    }
    if (chunk.byteLength > 0) {
      pending.push(chunk);
      pendingBytes += chunk.byteLength;
    }
  }
  if (pendingBytes > 0) yield Buffer.concat(pending, pendingBytes);
}
