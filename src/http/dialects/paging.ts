/**
 * The limit/offset query every dialect's list takes, with that dialect's default and maximum,
 * and an optional status filter in the dialect's own words.
 */

/** pageQuerySchema is the querystring schema of a dialect's list. */
export function pageQuerySchema(p: { defaultLimit: number; maxLimit: number; statuses?: readonly string[] }) {
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      limit: { type: 'integer', minimum: 1, maximum: p.maxLimit, default: p.defaultLimit, description: `Jobs to return (1–${p.maxLimit}, default ${p.defaultLimit}).` },
      offset: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0, description: 'Jobs to skip, newest first.' },
      ...(p.statuses ? { status: { type: 'string', enum: [...p.statuses], description: `Only jobs in this status: ${p.statuses.join(', ')}.` } } : {}),
    },
  } as const;
}

/** PageQuery is what pageQuerySchema lets through, defaults applied. */
export interface PageQuery {
  limit: number;
  offset: number;
  status?: string;
}
