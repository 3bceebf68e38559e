import type { FastifyPluginAsync } from 'fastify';
import { type FieldProblem, InvalidRequestError, describeFieldProblem } from '../../domain/index.js';
import { DECLARED_SPEC_SCHEMA } from '../../jobtypes/index.js';
import { deleteJobType, listJobTypes, putJobType } from '../../service/index.js';
import type { AppDeps } from '../deps.js';
import { requireAdmin } from '../auth.js';
import { declaredJobTypeSchema, declaredJobTypeView, listedJobTypeSchema, listedJobTypeView } from '../jobTypeView.js';
import { problemResponses } from '../schemas.js';

// The type's name is the rest of the path, slashes and all (`/v1/admin/job-types/py/reverse`):
// a wildcard, which /openapi.json shows as `{type}` (see http/openapiPaths.ts).
const typeParams = {
  type: 'object',
  properties: { '*': { type: 'string', description: 'The job type, its `/` kept as they are: `py/reverse`.' } },
} as const;
const ROUTE = { url: '/v1/admin/job-types/*', config: { wildcardName: 'type' } } as const;

const EXAMPLE = {
  description: 'Reverses a text (a Python worker runs it)',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['text'],
    properties: { text: { type: 'string', maxLength: 10_000 } },
  },
  privateFields: [],
  creditCost: 1,
  timeoutMs: 60_000,
  maxAttempts: 3,
};

/** jobTypeRoutes: list every job type, and declare, replace and delete job types without code; they need LONGRUN_ADMIN_KEY. */
export const jobTypeRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const service = deps.service;
  app.addHook('onRequest', requireAdmin(service, deps.adminKey));

  app.get(
    '/v1/admin/job-types',
    {
      schema: {
        summary: 'Every job type this server accepts, as GET /v1/job-types lists them, for the operator',
        tags: ['admin'],
        response: { 200: { type: 'array', items: listedJobTypeSchema }, ...problemResponses },
      },
    },
    async () => (await listJobTypes(service)).map(listedJobTypeView),
  );

  app.put<{ Params: { '*': string }; Body: Record<string, unknown> }>(
    ROUTE.url,
    {
      config: ROUTE.config,
      schema: {
        summary: 'Declare a job type without code (or replace one); its jobs wait for a remote worker',
        description:
          'The spec is checked as a job type in code is: a bad field is `400` naming it (`/inputSchema` when the schema does not compile). ' +
          '`201` when the type is new, `200` when it replaced one; a type that runs on this server is `409 job_type_conflict`. ' +
          'Every API node accepts jobs of the type as soon as this answers. Jobs already created keep their cost and limits.',
        tags: ['admin'],
        params: typeParams,
        body: { ...DECLARED_SPEC_SCHEMA, examples: [EXAMPLE] },
        response: { 200: declaredJobTypeSchema, 201: declaredJobTypeSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const type = request.params['*'];
      if (request.body.type !== undefined && request.body.type !== type) {
        throw InvalidRequestError.field('/type', `must be the type in the path (${JSON.stringify(type)}) or left out`);
      }
      const { jobType, created } = await nameInPath(() => putJobType(service, { ...request.body, type }));
      return reply.code(created ? 201 : 200).send(declaredJobTypeView(jobType));
    },
  );

  app.delete<{ Params: { '*': string } }>(
    ROUTE.url,
    {
      config: ROUTE.config,
      schema: {
        summary: 'Delete a declared job type: new jobs of it are refused; jobs already created stay as they are',
        tags: ['admin'],
        params: typeParams,
        response: { 204: { type: 'null', description: 'Deleted.' }, ...problemResponses },
      },
    },
    async (request, reply) => {
      await deleteJobType(service, request.params['*']);
      return reply.code(204).send();
    },
  );
};

/**
 * nameInPath runs `use` and reports a problem with `/type` as the path's `type`: the name came
 * from the path (a body's own `type` equals it, or the route refused it already).
 */
async function nameInPath<T>(use: () => Promise<T>): Promise<T> {
  try {
    return await use();
  } catch (error) {
    if (!(error instanceof InvalidRequestError) || !error.errors?.some((p) => p.path === '/type')) throw error;
    const moved = error.errors.map((p): FieldProblem => (p.path === '/type' ? { path: 'type', message: p.message, in: 'path' } : p));
    throw new InvalidRequestError(moved.length === 1 ? describeFieldProblem(moved[0]!) : error.message, moved, error.status);
  }
}
