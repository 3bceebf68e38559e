import { DIALECT_NAMES, parseCompat } from '../http/dialects/index.js';
import { installShutdown, startServer } from '../runtime/index.js';
import { type Flags, UsageError, flagHelp, parseFlags, wantsHelp } from './options.js';
import { RUNTIME_FLAGS, prepareDataDir, runtimeConfigFrom } from './runtimeFlags.js';

/** SERVE_FLAGS are `longrun serve`'s flags; each also reads an environment variable. */
export const SERVE_FLAGS: Flags = {
  host: { env: 'LONGRUN_HOST', default: '127.0.0.1', kind: 'string', description: 'Address to listen on' },
  port: { env: 'PORT', default: '8080', kind: 'int', min: 0, max: 65535, description: 'Port; 0 picks a free one' },
  ...RUNTIME_FLAGS,
  workers: { env: 'LONGRUN_WORKERS', default: '4', kind: 'int', min: 0, max: 1000, description: 'In-process workers; 0 serves the API alone' },
  'rate-limit': { env: 'LONGRUN_RATE_LIMIT', default: '100', kind: 'int', min: 0, max: 1_000_000, description: 'Requests per second per API key; 0 turns the limit off' },
  'rate-burst': { env: 'LONGRUN_RATE_BURST', default: '200', kind: 'int', min: 1, max: 10_000_000, description: 'Requests a key may send at once before the rate applies' },
  'retention-days': {
    env: 'LONGRUN_RETENTION_DAYS',
    default: '30',
    kind: 'int',
    min: 0,
    max: 36_500,
    description: 'Days a finished job (and its files) is kept; 0 keeps jobs forever',
  },
  'body-limit': { env: 'LONGRUN_BODY_LIMIT', default: String(10 * 1024 * 1024), kind: 'int', min: 1024, max: 1024 * 1024 * 1024, description: 'Largest request body, in bytes' },
  compat: {
    env: 'LONGRUN_COMPAT',
    default: 'all',
    kind: 'string',
    description: `Compatibility dialects to serve under /compat: all, none, or some of ${DIALECT_NAMES.join(', ')} joined by commas`,
  },
  'cleariflow-require-key': {
    env: 'LONGRUN_CLEARIFLOW_REQUIRE_KEY',
    kind: 'boolean',
    description: 'Make the cleariflow dialect\'s GET need the API key too, instead of its job_id alone',
  },
  help: { kind: 'boolean', description: 'Show this help' },
};

/** serveCommand is `longrun serve`: parse flags, start the server (src/runtime), print how to use it, stop on SIGTERM/SIGINT. */
export async function serveCommand(args: string[]): Promise<void> {
  if (wantsHelp(args)) {
    console.log(`Usage: longrun serve [flags]\n\n${flagHelp(SERVE_FLAGS)}`);
    return;
  }
  const flags = parseFlags(args, SERVE_FLAGS);
  await prepareDataDir(flags);
  const server = await startServer({
    ...runtimeConfigFrom(flags),
    host: String(flags.host),
    port: Number(flags.port),
    workers: Number(flags.workers),
    graceMs: Number(flags['grace-ms']),
    bodyLimit: Number(flags['body-limit']),
    rateLimit: Number(flags['rate-limit']),
    rateBurst: Number(flags['rate-burst']),
    retentionDays: Number(flags['retention-days']),
    adminKey: process.env.LONGRUN_ADMIN_KEY || null,
    compat: compatFrom(String(flags.compat)),
    cleariflowRequireKey: flags['cleariflow-require-key'] === true,
  });
  console.log(`listening on ${server.url}`);
  if (server.metricsUrl) console.log(`metrics on ${server.metricsUrl}`);
  if (server.firstStart) printFirstStart(server.url, server.firstStart.key);
  if (server.needsAccount) printNoAccount(server.url);

  installShutdown('server', Number(flags['grace-ms']), () => server.close());
}

/** compatFrom reads --compat, naming the flag in a usage error. */
function compatFrom(text: string): string[] {
  try {
    return parseCompat(text);
  } catch (error) {
    throw new UsageError(`--compat (LONGRUN_COMPAT): ${(error as Error).message}`);
  }
}

/** printNoAccount says how to make the first account when the admin key kept the default one from being made. */
function printNoAccount(url: string): void {
  console.log(
    [
      '',
      'No account yet (LONGRUN_ADMIN_KEY is set, so no "default" account was made). Make the first one and its API key:',
      '',
      '  longrun keys create --account NAME --create-account',
      '',
      "(on this machine, with this server's --db or --data-dir if you gave one), or through the admin API:",
      '',
      `  curl -s ${url}/v1/admin/accounts -H "X-API-Key: $LONGRUN_ADMIN_KEY" -H 'Content-Type: application/json' -d '{"name":"NAME"}'`,
      '',
    ].join('\n'),
  );
}

function printFirstStart(url: string, key: string): void {
  const body = JSON.stringify({ type: 'demo/sleep', input: { durationMs: 2000, steps: 4 } });
  console.log(
    [
      '',
      'First start: created the account "default" (unlimited credits). Its API key, shown this once:',
      '',
      `  ${key}`,
      '',
      'Create a job and wait for it to finish:',
      '',
      `  curl -s ${url}/v1/jobs -H 'X-API-Key: ${key}' -H 'Content-Type: application/json' -H 'Prefer: wait=10' -d '${body}'`,
      '',
    ].join('\n'),
  );
}
