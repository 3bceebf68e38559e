/** Logging: the process logger and the redaction of secrets in what it writes. */
export { LOG_LEVELS, type Logger, type LoggerOptions, createLogger, silentLogger } from './logger.js';
export { redactText, redactUrl } from './redact.js';
