/**
 * What a compatibility dialect is: another hosted Jobs API's shapes served over Longrun's own jobs
 * (issue 19). A dialect maps requests into the service and jobs out into its views; mounting,
 * error answers and its OpenAPI document are the shared plumbing in mountDialects.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { LongrunError } from '../../domain/index.js';
import type { AppDeps } from '../deps.js';

/** Dialect is one compatibility API. */
export interface Dialect {
  /** name is what `--compat` lists and what `/compat/<name>/openapi.json` is under. */
  name: string;
  /** prefix is where its paths start (`/compat/cloudlayer`); the seed's paths follow it unchanged. */
  prefix: string;
  /** title and description head its OpenAPI document. */
  title: string;
  description: string;
  /** errorBody is the body of an error answer in the seed's style; the HTTP status is the error's. */
  errorBody(error: LongrunError, detail: string): unknown;
  /** routes registers its routes; paths are relative to `prefix`. */
  routes: FastifyPluginAsync<{ deps: AppDeps }>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * responses documents a dialect route's answers for its OpenAPI document only. Dialect views
     * are not serialised through a response schema, so a field the schema forgets is never dropped.
     */
    responses?: Record<number, unknown>;
  }
}
