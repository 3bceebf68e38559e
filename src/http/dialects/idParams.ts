/** idParamsSchema is the path parameters of a dialect route that names one job (`:id`, or the dialect's own name). */
export function idParamsSchema(name = 'id') {
  return {
    type: 'object',
    properties: { [name]: { type: 'string', maxLength: 100, description: 'The job id.' } },
    required: [name],
  } as const;
}
