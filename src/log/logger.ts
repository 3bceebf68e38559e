/**
 * The process's logger: pino (the logger Fastify is built on), made once where a process starts
 * and handed to the HTTP app, the workers, the webhook dispatcher and the maintenance loops, so
 * every line of one process goes to one stream with one level.
 */
import { type DestinationStream, type Logger as PinoLogger, pino, stdSerializers } from 'pino';
import { REDACTED, redactUrl } from './redact.js';

/** Logger is a pino logger; fields are structured (`jobId`, `type`, `accountId`, `workerId`, `attempt`). */
export type Logger = PinoLogger;

/** LOG_LEVELS are the levels `--log-level` takes, most severe first. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** LoggerOptions choose the level and where the lines go. */
export interface LoggerOptions {
  /** level is one of LOG_LEVELS (default `warn`: faults and failures only). */
  level?: string;
  /** stream receives one JSON line per entry (default stdout); tests pass their own to read it. */
  stream?: DestinationStream;
}

// Secrets that could reach a log line by a path other than the URL: a logged header set. The
// request serializer below never copies headers, so these guard later code that logs them.
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers.cookie',
];

/**
 * createLogger makes a process's logger. A request is logged by method, path, host and peer
 * address, its query secrets redacted (see redactUrl); headers are never logged.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'warn',
      redact: { paths: REDACTED_PATHS, censor: REDACTED },
      serializers: {
        err: stdSerializers.err,
        req: (request: { method?: string; url?: string; hostname?: string; host?: string; ip?: string; socket?: { remotePort?: number } }) => ({
          method: request.method,
          url: request.url === undefined ? undefined : redactUrl(request.url),
          host: request.host ?? request.hostname,
          remoteAddress: request.ip,
          remotePort: request.socket?.remotePort,
        }),
      },
    },
    // Synchronous stdout: the last lines before an exit are not lost in a buffer.
    options.stream ?? pino.destination({ dest: 1, sync: true }),
  );
}

/** silentLogger drops everything; the default where no logger was given (library use, unit tests). */
export const silentLogger: Logger = pino({ level: 'silent' });
