// The baselines' servers, which do the HTTP part of Longrun's work and nothing else:
// - `http`: bare node:http answering "ok" (the loopback floor);
// - `fastify`: bare Fastify answering "ok" (the framework floor), a POST /v1/jobs that validates
//   the same body schema as demo/sleep and answers a job-sized 201 but stores nothing, GET routes
//   that answer recorded bytes (the read baseline), and an SSE route that holds streams and
//   broadcasts one change to all of them (the memory baseline).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import Fastify from 'fastify';
import { childInput, exitWithParent, main } from '../lib/child.js';

interface Input {
  kind: 'http' | 'fastify';
  /** replies maps a path (with its query) to a recorded body file, for the read baseline. */
  replies?: Record<string, string>;
  maxMs: number;
}

const CREATE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['type'],
  properties: {
    type: { type: 'string', minLength: 1, maxLength: 100 },
    priority: { type: 'integer', minimum: -100, maximum: 100 },
    metadata: { type: 'object' },
    input: {
      type: 'object',
      additionalProperties: false,
      required: ['durationMs'],
      properties: {
        durationMs: { type: 'integer', minimum: 0, maximum: 600000 },
        steps: { type: 'integer', minimum: 1, maximum: 100, default: 1 },
        failAt: { type: 'integer', minimum: 1, maximum: 100 },
        failCode: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[a-z][a-z0-9_]*$' },
        failTimes: { type: 'integer', minimum: 1, maximum: 100 },
      },
    },
  },
} as const;

main(async () => {
  const input = childInput<Input>();
  exitWithParent(input.maxMs);
  if (input.kind === 'http') {
    const server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    console.log(`listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
    await new Promise(() => undefined);
  }

  const app = Fastify({ logger: false });
  app.get('/', async () => 'ok');
  let n = 0;
  app.post('/v1/jobs', { schema: { body: CREATE_SCHEMA } }, async (request, reply) => {
    const body = request.body as { type: string; input: object; priority?: number; metadata?: object };
    const id = `job_${String(++n).padStart(26, '0')}`;
    const now = new Date().toISOString();
    reply.code(201).header('location', `/v1/jobs/${id}`);
    // A job-shaped answer of the size Longrun gives, built the same way (an object serialized).
    return {
      id, type: body.type, status: 'pending', progress: 0, statusMessage: null, priority: body.priority ?? 0, input: body.input,
      output: null, error: null, attempts: 0, maxAttempts: 3, accountId: 'acct_01JF3V6Q2N8Y5M0RZ4T7C9K1QW', apiKeyUsed: 'key_…a1b2',
      worker: null, size: 0, processTime: 0, creditsCharged: 1, creditsRefunded: 0, originalJobId: null, webhookUrl: null,
      metadata: body.metadata ?? {}, createdAt: now, startedAt: null, completedAt: null, failedAt: null, cancelledAt: null, updatedAt: now,
      _links: { self: `/v1/jobs/${id}`, events: `/v1/jobs/${id}/events`, cancel: `/v1/jobs/${id}/cancel`, rerun: `/v1/jobs/${id}/rerun` },
    };
  });

  const recorded = new Map<string, Buffer>();
  for (const [path, file] of Object.entries(input.replies ?? {})) recorded.set(path, readFileSync(file));
  app.get('/v1/*', async (request, reply) => {
    const body = recorded.get(request.url);
    if (!body) return reply.code(404).send({ error: 'not recorded' });
    return reply.type('application/json; charset=utf-8').send(body);
  });

  const streams = new Set<import('node:http').ServerResponse>();
  app.get('/sse/:id/events', (request, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write(`event: job\nid: 1\ndata: ${JSON.stringify({ id: (request.params as { id: string }).id, status: 'pending' })}\n\n`);
    streams.add(res);
    res.on('close', () => streams.delete(res));
  });
  app.post('/sse/:id/cancel', async (request) => {
    const data = JSON.stringify({ id: (request.params as { id: string }).id, status: 'cancelled' });
    for (const res of streams) {
      res.write(`event: job\nid: 2\ndata: ${data}\n\n`);
      res.end();
    }
    return { sent: streams.size };
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  console.log(`listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
  await new Promise(() => undefined);
});
