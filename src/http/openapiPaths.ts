/**
 * How /openapi.json names a route's wildcard. A route whose last segment is `*` (it takes the rest
 * of the path, slashes and all, as a job type's name does) sets `config.wildcardName`, and the
 * document shows `{type}` where Fastify's path says `*`, with the parameter under that name.
 */
import type { SwaggerTransform } from '@fastify/swagger';
import type { FastifySchema } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** wildcardName is what /openapi.json calls the route's trailing `*` parameter. */
    wildcardName?: string;
  }
}

/** namedWildcards is @fastify/swagger's `transform`: it renames a trailing `*` as the route's config says. */
export const namedWildcards: SwaggerTransform<FastifySchema> = ({ schema, url, route }) => {
  const name = route.config?.wildcardName;
  const params = schema?.params as { properties?: Record<string, unknown> } | undefined;
  if (!name || !url.endsWith('/*') || !params?.properties || !('*' in params.properties)) return { schema, url };
  const { '*': wildcard, ...rest } = params.properties;
  return { url: `${url.slice(0, -1)}:${name}`, schema: { ...schema, params: { ...params, properties: { ...rest, [name]: wildcard } } } };
};
