// An example module of extra job types: `longrun serve --handlers examples/handlers.mjs`.
// Export the types as the default export (one or an array) or as `jobTypes`.

/** text/uppercase returns its text in capitals; it keeps `text` private (never echoed back). */
export default [
  {
    type: 'text/uppercase',
    description: 'Returns the text in capitals.',
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
      await progress(50, 'Shouting');
      return { text: input.text.toUpperCase() };
    },
  },
];
