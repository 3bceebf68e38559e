// The bench's job types, loaded with `--handlers bench/handlers.mjs`.
// bench/noop does nothing, so e2e measures the queue and not the work; given `sentAt` (a wall
// time in ms from performance.timeOrigin + performance.now() in the creating process) it returns
// how long the job took from creation to its handler starting: the pickup latency.
// bench/backlog is never run: it fills the depth scenario's queue behind the jobs being measured
// (its workers take only bench/noop).

const pickedUpAt = () => performance.timeOrigin + performance.now();

export default [
  {
    type: 'bench/noop',
    description: 'Does nothing; with sentAt, returns the pickup latency.',
    inputSchema: {
      type: 'object',
      additionalProperties: false,
      properties: { sentAt: { type: 'number' }, n: { type: 'integer' } },
    },
    creditCost: 1,
    timeoutMs: 60000,
    maxAttempts: 1,
    run({ input }) {
      return input.sentAt === undefined ? null : { pickupMs: pickedUpAt() - input.sentAt };
    },
  },
  {
    type: 'bench/backlog',
    description: 'Waits in the queue; no bench worker runs it.',
    inputSchema: {
      type: 'object',
      additionalProperties: false,
      properties: { n: { type: 'integer' }, note: { type: 'string', maxLength: 200 } },
    },
    creditCost: 1,
    timeoutMs: 60000,
    maxAttempts: 1,
    run() {
      return null;
    },
  },
];
