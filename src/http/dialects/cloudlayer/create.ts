/**
 * cloudlayer.io's create endpoints (`POST /v2/html/pdf` and the five others, seed 000's job
 * types), mapped onto Longrun's six render types of the same names. The document shows no create
 * call; what its users send is the render options its job `params` show (`format`, `margin`,
 * `printBackground`, `url`, `imageType`), the `timeout` and viewport its tips name, and cloudlayer's
 * base64 `html` or `template` body. The answer is the new job in the document's job shape.
 */
import type { FastifyPluginAsync } from 'fastify';
import { InvalidRequestError, type JsonObject, type JsonValue } from '../../../domain/index.js';
import { type RenderOutput, type RenderSource, renderInputSchema } from '../../../jobtypes/render/inputSchema.js';
import { createJob } from '../../../service/index.js';
import type { AppDeps } from '../../deps.js';
import { cloudlayerJob, cloudlayerJobSchema } from './view.js';

const SOURCES: readonly RenderSource[] = ['html', 'url', 'template'];
const OUTPUTS: readonly RenderOutput[] = ['pdf', 'image'];

// Only the characters of base64: raw HTML always has a `<`, which base64 never does.
const BASE64 = /^[A-Za-z0-9+/\s]+={0,2}\s*$/;

/** decodedBody is an `html` or `template` body as sent: base64 (cloudlayer's way) decoded, raw HTML as is. */
function decodedBody(value: JsonValue | undefined): JsonValue | undefined {
  if (typeof value !== 'string' || !BASE64.test(value)) return value;
  return Buffer.from(value, 'base64').toString('utf8');
}

/**
 * cloudlayerInput maps a cloudlayer create body to the render type's input: `html` and `template`
 * base64-decoded, `timeout` (ms) as `timeoutMs`, `viewPort` as `viewport`, `async` dropped (every
 * Longrun job is asynchronous; `async: false` is refused, naming the field). Everything else goes
 * to the render type's schema as sent, which refuses what it does not know, by name.
 */
export function cloudlayerInput(body: JsonObject): JsonObject {
  const { async, timeout, viewPort, ...rest } = body;
  if (async === false) throw InvalidRequestError.field('/async', 'must be true: Longrun runs every job asynchronously (poll GET /v2/jobs/:id)');
  const input: JsonObject = { ...rest };
  for (const field of ['html', 'template'] as const) if (field in input) input[field] = decodedBody(input[field])!;
  if (timeout !== undefined && !('timeoutMs' in input)) input.timeoutMs = timeout;
  if (viewPort !== undefined && !('viewport' in input)) input.viewport = viewPort;
  return input;
}

/** createBodySchema documents one endpoint's body: the render type's fields, with cloudlayer's spellings beside them. */
function createBodySchema(source: RenderSource, output: RenderOutput) {
  const render = renderInputSchema(source, output) as { properties: Record<string, unknown> };
  const body = (what: string) => ({ type: 'string', minLength: 1, description: `The ${what}, base64-encoded as cloudlayer.io takes it (raw HTML is accepted too). Never echoed back.` });
  return {
    type: 'object',
    required: [source],
    description: `The ${source}/${output} render type's input (GET /v1/job-types), with cloudlayer.io's spellings accepted.`,
    properties: {
      ...render.properties,
      ...(source === 'html' ? { html: body('HTML document') } : {}),
      ...(source === 'template' ? { template: body('Mustache HTML template') } : {}),
      timeout: { type: 'integer', description: 'cloudlayer.io’s name for timeoutMs: milliseconds the render may take.' },
      ...(output === 'image' ? { viewPort: { type: 'object', description: 'cloudlayer.io’s name for viewport.' } } : {}),
      async: { type: 'boolean', description: 'Must be true or absent: every job is asynchronous.' },
    },
  } as const;
}

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * createRoutes registers `POST /v2/<source>/<output>` for the six render types: the job is
 * created under the caller's key and answered `200` in the document's job shape (status
 * `pending`), to be polled with `GET /v2/jobs/:id`.
 */
export function createRoutes(errors: Record<number, unknown>): FastifyPluginAsync<{ deps: AppDeps }> {
  return async (app, { deps }) => {
    for (const source of SOURCES) {
      for (const output of OUTPUTS) {
        const type = `${source}/${output}`;
        app.post<{ Body: JsonObject }>(
          `/v2/${type}`,
          {
            schema: { summary: `Create a ${type} job (asynchronous)`, body: createBodySchema(source, output) },
            // The schema documents the body; the render type checks it once, in createJob, after
            // the mapping (Fastify's own pass would fill in defaults and drop unknown nested fields).
            validatorCompiler: () => (data) => (isObject(data) ? { value: data } : { error: InvalidRequestError.field('/', 'must be a JSON object') }),
            config: { responses: { 200: cloudlayerJobSchema, ...errors } },
          },
          async (request) => {
            const { job } = await createJob(deps.service, request.principal, { type, input: cloudlayerInput(request.body) });
            return cloudlayerJob(job);
          },
        );
      }
    }
  };
}
