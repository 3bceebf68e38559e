// An example module of extra job types: `longrun serve --handlers examples/handlers.mjs`.
// Export the types as the default export (one or an array) or as `jobTypes`. Outside this
// checkout, `npm install longrun` beside your module so that the import below resolves.
import { JobFailure, defineJobType } from 'longrun';

/**
 * text/uppercase returns its text in capitals; it keeps `text` private (never echoed back). A
 * text without letters fails with its own code, `nothing_to_shout`, at once: `retryable: false`
 * means no attempt is retried, as another would fail the same way.
 */
export default [
  defineJobType({
    type: 'text/uppercase',
    description: 'Returns the text in capitals; fails with nothing_to_shout when it has no letters.',
    inputSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['text'],
      properties: { text: { type: 'string', maxLength: 100000 } },
    },
    privateFields: ['text'],
    creditCost: 1,
    timeoutMs: 10000,
    maxAttempts: 1,
    async run({ input, progress }) {
      if (!/\p{L}/u.test(input.text)) throw new JobFailure('nothing_to_shout', 'The text has no letters to put in capitals', false);
      await progress(50, 'Shouting');
      return { text: input.text.toUpperCase() };
    },
  }),
];
