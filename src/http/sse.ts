import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Timers, systemTimers } from '../domain/index.js';

/** SseMessage is one event-stream message; `data` is sent as one JSON line. */
export interface SseMessage {
  event: string;
  /** id is the message's `id:`; a message without one leaves the client's Last-Event-ID as it was. */
  id?: string;
  data: unknown;
}

/** SseStreamOptions tune a stream. */
export interface SseStreamOptions {
  /** pingMs is how often a `: ping` comment keeps proxies from closing an idle stream (15 s). */
  pingMs?: number;
  /** onClose runs once when the stream ends, by either side. */
  onClose?: () => void;
  /** onPing runs after each ping (the route re-checks what the stream was opened with). */
  onPing?: () => void;
  /** timers run the pings; tests pass a ManualClock. */
  timers?: Timers;
}

const SAFE_FIELD = /^[^\r\n]*$/;

/**
 * SseStream writes Server-Sent Events to one client. A slow client cannot make it hold memory
 * without bound: while the socket is backed up, only the newest message per `key` waits (older
 * ones for the same key are superseded, never reordered), and they are written on 'drain'.
 */
export class SseStream {
  private closed = false;
  private backedUp = false;
  private readonly waiting = new Map<string, SseMessage>();
  private cancelPing: () => void = () => {};

  constructor(request: FastifyRequest, private readonly reply: FastifyReply, private readonly options: SseStreamOptions = {}) {
    reply.hijack();
    reply.raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no', // ask nginx-style proxies not to buffer the stream
      'x-request-id': request.id,
    });
    reply.raw.flushHeaders();
    reply.raw.on('drain', () => this.drain());
    reply.raw.on('close', () => this.close());
    this.schedulePing();
  }

  /** isClosed tells whether the stream has ended. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** send writes a message now, or, while the client is backed up, keeps only the newest per `key`. */
  send(message: SseMessage, key = ''): void {
    if (this.closed) return;
    if (!SAFE_FIELD.test(message.event) || !SAFE_FIELD.test(message.id ?? '')) throw new Error('SSE event and id must be one line');
    if (this.backedUp) {
      this.waiting.delete(key); // re-insert so the map keeps the order of the newest messages
      this.waiting.set(key, message);
      return;
    }
    this.write(frame(message));
  }

  /** end closes the stream after what was sent (waiting messages included). */
  end(): void {
    if (this.closed) return;
    for (const message of this.waiting.values()) this.reply.raw.write(frame(message));
    this.waiting.clear();
    this.reply.raw.end();
    this.close();
  }

  private schedulePing(): void {
    this.cancelPing = (this.options.timers ?? systemTimers).setTimeout(() => {
      this.write(': ping\n\n');
      this.options.onPing?.();
      if (!this.closed) this.schedulePing();
    }, this.options.pingMs ?? 15_000);
  }

  private write(text: string): void {
    if (this.closed) return;
    if (!this.reply.raw.write(text)) this.backedUp = true;
  }

  private drain(): void {
    this.backedUp = false;
    const messages = [...this.waiting.values()];
    this.waiting.clear();
    for (const message of messages) this.send(message);
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.cancelPing();
    this.waiting.clear();
    this.options.onClose?.();
  }
}

function frame(message: SseMessage): string {
  const id = message.id === undefined ? '' : `id: ${message.id}\n`;
  return `event: ${message.event}\n${id}data: ${JSON.stringify(message.data)}\n\n`;
}
