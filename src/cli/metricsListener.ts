import type { ListenAddress } from '../runtime/index.js';
import { UsageError } from './options.js';

/** parseListenAddress reads `--metrics-listen`: `HOST:PORT`, `[IPv6]:PORT`, or `:PORT` (127.0.0.1). */
export function parseListenAddress(text: string, source = '--metrics-listen'): ListenAddress {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) throw new UsageError(`${source} must be HOST:PORT (for example 127.0.0.1:9464), not ${JSON.stringify(text)}`);
  return { host: match[1] ?? (match[2] || '127.0.0.1'), port };
}
