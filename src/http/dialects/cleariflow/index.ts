/**
 * cleariflow's async screenshot jobs (seed 001) under `/compat/cleariflow`: `POST /v1/jobs
 * {request: {api_key, url, …}, priority}` creates a `url/image` job and answers `{job_id}`, a
 * random UUID v4 that alone reads the job back (`GET /v1/jobs/{job_id}`, no key, as the document
 * shows). With `--cleariflow-require-key` the GET needs the key too (X-API-Key, Bearer or
 * `?api_key=`) and also takes a Longrun job id.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { InvalidRequestError, type JsonObject } from '../../../domain/index.js';
import { type Principal, createAliasedJob, getAliasedJob, jobFileBytes } from '../../../service/index.js';
import { presentedSecret, requireAccount } from '../../auth.js';
import type { AppDeps } from '../../deps.js';
import type { Dialect } from '../dialect.js';
import { idParamsSchema } from '../idParams.js';
import { outputFiles } from '../outputFiles.js';
import { cleariflowJob, cleariflowJobSchema } from './view.js';

/** SCREENSHOT_TYPE is the Longrun job type a cleariflow job runs. */
const SCREENSHOT_TYPE = 'url/image';

const createBody = {
  type: 'object',
  additionalProperties: false,
  required: ['request'],
  properties: {
    request: {
      type: 'object',
      description: 'The screenshot request: `api_key`, `url`, and any other `url/image` input field (docs/api.md, Render jobs).',
      required: ['api_key', 'url'],
      properties: {
        api_key: { type: 'string', minLength: 1, maxLength: 200, description: 'Your API key.' },
        url: { type: 'string', minLength: 1, maxLength: 4096, description: 'The page to capture.' },
      },
    },
    priority: { type: 'integer', minimum: -100, maximum: 100, default: 0, description: 'Higher runs first (−100…100, default 0).' },
  },
} as const;
const idParams = idParamsSchema('job_id');
const keyQuery = { type: 'object', properties: { api_key: { type: 'string', maxLength: 200, description: 'Your API key, where the operator requires it.' } } } as const;
const errorSchema = { type: 'object', description: 'An error.', properties: { error: { type: 'string' }, code: { type: 'string' } } } as const;

interface CreateBody {
  request: { api_key: string; url: string } & JsonObject;
  priority: number;
}

const bodyKey = (request: FastifyRequest) => (request.body as CreateBody | undefined)?.request?.api_key;
const queryKey = (request: FastifyRequest) => presentedSecret(request) ?? (request.query as { api_key?: string }).api_key;

/** asRequestFields names the job input's fields where the client sent them: under `/request`. */
function asRequestFields(error: InvalidRequestError): InvalidRequestError {
  const rename = (text: string) => text.replaceAll('/input', '/request');
  return new InvalidRequestError(rename(error.message), error.errors?.map((e) => ({ ...e, path: rename(e.path) })), error.status);
}

const routes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const service = deps.service;
  const limiter = deps.rateLimiter ?? null;
  const keyRequired = deps.cleariflowRequireKey === true;

  app.post<{ Body: CreateBody }>(
    '/v1/jobs',
    {
      schema: { summary: 'Create an async screenshot job', body: createBody },
      // The key travels in the body, so it is checked once the body is read.
      preHandler: requireAccount(service, limiter, { secretOf: bodyKey }),
      config: { responses: { 200: { type: 'object', description: 'The job id.', properties: { job_id: { type: 'string', format: 'uuid' } } }, 400: errorSchema, 401: errorSchema } },
    },
    async (request) => {
      const { api_key: _key, ...input } = request.body.request;
      const created = await createAliasedJob(service, request.principal, { type: SCREENSHOT_TYPE, input, priority: request.body.priority }).catch((error: unknown) => {
        throw error instanceof InvalidRequestError ? asRequestFields(error) : error;
      });
      return { job_id: created.alias };
    },
  );

  app.get<{ Params: { job_id: string }; Querystring: { api_key?: string } }>(
    '/v1/jobs/:job_id',
    {
      schema: { summary: 'Get a job’s status, with its result when done', params: idParams, querystring: keyQuery },
      ...(keyRequired ? { preHandler: requireAccount(service, limiter, { secretOf: queryKey }) } : {}),
      config: { responses: { 200: cleariflowJobSchema, 401: errorSchema, 404: errorSchema } },
    },
    async (request) => {
      const principal: Principal | null = keyRequired ? request.principal : null;
      const job = await getAliasedJob(service, request.params.job_id, principal);
      const file = outputFiles(job)[0];
      const bytes = file ? await jobFileBytes(service, job, file.name) : null;
      return cleariflowJob(request.params.job_id, job, bytes && file ? { bytes, contentType: file.contentType } : null);
    },
  );
};

/** cleariflow is the cleariflow screenshot dialect. */
export const cleariflow: Dialect = {
  name: 'cleariflow',
  prefix: '/compat/cleariflow',
  title: 'Longrun: cleariflow async screenshot jobs',
  description: 'cleariflow’s async jobs over Longrun’s url/image jobs. The key travels in the create body; the job_id alone reads the job (see docs/compat.md).',
  errorBody: (error, detail) => ({ error: detail, code: error.code }),
  routes,
};
