import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { InvalidRequestError, isFinalStatus, type Job } from '../../domain/index.js';
import { apiKeyIsLive, getJob, jobStanding } from '../../service/index.js';
import type { AppDeps } from '../deps.js';
import { requireAccount } from '../auth.js';
import { eventStreamHeadersSchema, eventStreamResponse, jobIdParamsSchema, problemResponses } from '../schemas.js';
import { SseStream } from '../sse.js';
import { jobView, jobViewInQueue, queueView } from '../views.js';

/**
 * eventRoutes: Server-Sent Events. A job's stream starts with the job as it is, sends it again on
 * every change (`id:` is its eventSeq), pings every 15 s and ends after a final status. While the
 * job is pending, its first message carries its `queue` place, and each ping is followed by an
 * `event: queue` message with the place then (no `id:`, so resuming is unchanged).
 * `Last-Event-ID` resumes: nothing already seen is sent again, and the next message is the job's
 * newest state, so a client that reconnects always converges on the truth. Bursts a slow client
 * cannot take are coalesced to the newest state, never reordered.
 */
export const eventRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const service = deps.service;
  const streams = new Set<SseStream>();
  app.addHook('preClose', async () => {
    for (const stream of streams) stream.end();
  });
  app.addHook('onRequest', requireAccount(service, deps.rateLimiter ?? null, { adminKey: deps.adminKey }));

  /**
   * watchKey calls `end` once the key the request came with is revoked: at once when this process
   * revoked it (the bus says so), else when `check` finds it revoked; streams check at every ping,
   * which catches a key revoked by `longrun keys revoke` or another API node. So a stream never
   * outlives its key by more than one ping interval. `stop` stops listening to the bus.
   */
  const watchKey = (request: FastifyRequest, end: () => void) => {
    const keyId = request.principal.apiKeyId;
    const stop = service.bus.onKeyRevoked((revoked) => {
      if (revoked === keyId) end();
    });
    const check = () => {
      if (keyId === null) return;
      apiKeyIsLive(service, keyId).then(
        (live) => {
          if (!live) end();
        },
        // Only a revoked key ends the stream; a store that cannot answer now is asked again next ping.
        () => {},
      );
    };
    return { check, stop };
  };

  app.get<{ Params: { id: string } }>(
    '/v1/jobs/:id/events',
    {
      schema: {
        summary: 'Follow a job as a text/event-stream',
        description:
          'Each message: `event: job`, `id: <eventSeq>`, `data: <job>`. Send `Last-Event-ID` to resume. While the job is pending, ' +
          'the first message carries its `queue` place, and after each ping an `event: queue` message (no `id:`) sends the place then.',
        tags: ['jobs'],
        params: jobIdParamsSchema,
        headers: eventStreamHeadersSchema,
        response: { ...eventStreamResponse('The job now, then each change, ending after the final one.'), ...problemResponses },
      },
    },
    async (request, reply) => {
      const lastSeen = lastEventId(request.headers['last-event-id']);
      let sentSeq = lastSeen ?? 0;
      let stream: SseStream | null = null;
      let latest: Job | null = null;
      const early: Job[] = [];
      const deliver = (job: Job, view: object = jobView(job)) => {
        if (!stream) return void early.push(job);
        if (job.eventSeq <= sentSeq) return; // already seen: never repeat, never go back
        sentSeq = job.eventSeq;
        latest = job;
        stream.send({ event: 'job', id: String(job.eventSeq), data: view }, job.id);
        if (isFinalStatus(job.status)) stream.end();
      };
      // A pending job's place (none while it waits for another job), sent after each ping; a store that cannot answer now is asked next time.
      const sendQueue = () => {
        const job = latest;
        if (job?.status !== 'pending') return;
        jobStanding(service, job).then(
          ({ place }) => place && latest === job && stream?.send({ event: 'queue', data: queueView(place) }, 'queue'),
          () => {},
        );
      };
      // Listen before reading, so no change between the read and the subscription is lost.
      const stop = service.bus.onJob(request.params.id, (change) => deliver(change.job));
      let job: Job;
      try {
        job = await getJob(service, request.principal, request.params.id);
        // An id past the job's newest event was never sent by this stream: resuming after it would
        // hold back every change up to it, so the client would hear nothing but pings.
        if (lastSeen !== undefined && lastSeen > job.eventSeq) {
          throw InvalidRequestError.field('Last-Event-ID', `must be an event id this stream sent; the job's newest is ${job.eventSeq}`, 'header');
        }
      } catch (error) {
        stop();
        throw error;
      }
      const key = watchKey(request, () => opened.end());
      const opened = new SseStream(request, reply, {
        timers: deps.timers,
        onPing: () => {
          key.check();
          sendQueue();
        },
        onClose: () => {
          stop();
          key.stop();
          streams.delete(opened);
        },
      });
      streams.add(opened);
      stream = opened;
      if (lastSeen === undefined) {
        sentSeq = job.eventSeq - 1; // the first message is the job as it is now
      }
      const standing = await jobStanding(service, job).catch(() => ({ waits: undefined, place: null }));
      deliver(job, jobViewInQueue(job, standing.place, standing.waits));
      for (const later of early) deliver(later);
      if (isFinalStatus(job.status) && !opened.isClosed && sentSeq >= job.eventSeq) opened.end();
    },
  );

  app.get(
    '/v1/events',
    {
      schema: {
        summary: 'Follow all the account’s jobs as a text/event-stream',
        description: 'Each message: `event: job`, `id: <jobId>/<eventSeq>`, `data: <job>`. Starts with changes from now on.',
        tags: ['jobs'],
        response: { ...eventStreamResponse('Each change of any of the account’s jobs, from now on.'), ...problemResponses },
      },
    },
    async (request, reply) => {
      let stop = () => undefined as void;
      const key = watchKey(request, () => stream.end());
      const stream = new SseStream(request, reply, {
        timers: deps.timers,
        onPing: key.check,
        onClose: () => {
          stop();
          key.stop();
          streams.delete(stream);
        },
      });
      streams.add(stream);
      stop = service.bus.onAccount(request.principal.accountId, (change) =>
        stream.send({ event: 'job', id: `${change.job.id}/${change.job.eventSeq}`, data: jobView(change.job) }, change.job.id),
      );
    },
  );
};

function lastEventId(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value === '') return undefined;
  if (!/^\d{1,15}$/.test(value.trim())) throw InvalidRequestError.field('Last-Event-ID', 'must be an event id this stream sent', 'header');
  return Number(value.trim());
}
