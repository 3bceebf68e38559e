import { setTimeout as sleep } from 'node:timers/promises';
import { PATTERN_MESSAGE } from '../../domain/index.js';
import { defineJobSpec, defineJobType, JobFailure } from '../define.js';

interface SleepInput {
  durationMs: number;
  steps: number;
  failAt?: number;
  failCode?: string;
  failTimes?: number;
}

/** demoSleepSpec is `demo/sleep` as the API knows it: its input, cost and limits. */
export const demoSleepSpec = defineJobSpec<SleepInput>({
  type: 'demo/sleep',
  description: 'Sleeps durationMs in steps, reporting progress after each; can be told to fail. For trying Longrun and for tests.',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['durationMs'],
    properties: {
      durationMs: { type: 'integer', minimum: 0, maximum: 600000, description: 'Total time to sleep, in ms.' },
      steps: { type: 'integer', minimum: 1, maximum: 100, default: 1, description: 'Equal parts to sleep in; progress is reported after each.' },
      failAt: { type: 'integer', minimum: 1, maximum: 100, description: 'Throw (retryably) when this step is reached.' },
      failCode: {
        type: 'string',
        minLength: 1,
        maxLength: 64,
        pattern: '^[a-z][a-z0-9_]*$',
        [PATTERN_MESSAGE]: 'must be lowercase letters, digits and _, starting with a letter',
        description: 'The error code to fail with (default generation_failed).',
      },
      failTimes: { type: 'integer', minimum: 1, maximum: 100, description: 'Fail only on the first failTimes attempts (default: every attempt).' },
    },
  },
  creditCost: 1,
  timeoutMs: 15 * 60 * 1000,
  maxAttempts: 3,
});

/**
 * demoSleep sleeps `durationMs` in `steps` equal parts and reports progress after each; with
 * `failAt` it throws at that step on the first `failTimes` attempts (every attempt by default).
 * For trying the system and for tests.
 */
export const demoSleep = defineJobType<SleepInput, { sleptMs: number }>({
  ...demoSleepSpec,
  async run({ input, signal, progress, job }) {
    const stepMs = input.durationMs / input.steps;
    const failing = input.failAt !== undefined && (input.failTimes === undefined || job.attempt <= input.failTimes);
    let slept = 0;
    for (let step = 1; step <= input.steps; step++) {
      if (failing && step === input.failAt) {
        throw new JobFailure(input.failCode ?? 'generation_failed', `Failed at step ${step} of ${input.steps}, as asked`);
      }
      const until = Math.round(stepMs * step);
      if (until > slept) await sleep(until - slept, undefined, { signal });
      slept = until;
      await progress(Math.floor((step / input.steps) * 100), `Step ${step} of ${input.steps}`);
    }
    return { sleptMs: input.durationMs };
  },
});
