/**
 * A dialect's own OpenAPI document (`/compat/<name>/openapi.json`), built from the routes it
 * registered: their summaries, path and query parameters, bodies and documented answers.
 */
import type { RouteOptions } from 'fastify';
import type { Dialect } from './dialect.js';

/** DialectRoute is what the document needs of one registered route. */
export interface DialectRoute {
  method: string;
  url: string;
  schema: Record<string, unknown>;
  responses: Record<number, unknown>;
}

/** dialectRoute keeps what the document needs of a route as Fastify registers it (its url has the prefix). */
export function dialectRoute(route: RouteOptions): DialectRoute[] {
  const methods = (Array.isArray(route.method) ? route.method : [route.method]).filter((m) => m !== 'HEAD');
  const schema = (route.schema ?? {}) as Record<string, unknown>;
  return methods.map((method) => ({ method: method.toLowerCase(), url: route.url, schema, responses: route.config?.responses ?? {} }));
}

type ObjectSchema = { properties?: Record<string, { description?: string }>; required?: string[] };

/** dialectOpenApi is the OpenAPI 3.1 document of one dialect. */
export function dialectOpenApi(dialect: Dialect, routes: readonly DialectRoute[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.url.replace(/:([A-Za-z_]+)/g, '{$1}');
    const parameters = [...parametersOf(route.schema.params, 'path'), ...parametersOf(route.schema.querystring, 'query')];
    const operation: Record<string, unknown> = {
      summary: route.schema.summary,
      description: route.schema.description,
      parameters,
      responses: Object.fromEntries(
        Object.entries(route.responses).map(([status, schema]) => [
          status,
          { description: (schema as { description?: string }).description ?? `HTTP ${status}`, content: { 'application/json': { schema } } },
        ]),
      ),
    };
    if (route.schema.body) operation.requestBody = { required: true, content: { 'application/json': { schema: route.schema.body } } };
    (paths[path] ??= {})[route.method] = operation;
  }
  return {
    openapi: '3.1.0',
    info: { title: dialect.title, version, description: dialect.description },
    servers: [{ url: '/' }],
    paths,
  };
}

function parametersOf(schema: unknown, where: 'path' | 'query') {
  const object = schema as ObjectSchema | undefined;
  return Object.entries(object?.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (object?.required ?? []).includes(name),
    description: property.description,
    schema: property,
  }));
}
