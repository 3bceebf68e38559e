import { buildMetricsApp } from '../http/metricsApp.js';
import type { Logger } from '../log/index.js';
import type { ProcessMetrics } from '../metrics/index.js';
import { UsageError } from './options.js';

/** ListenAddress is where a listener binds. */
export interface ListenAddress {
  host: string;
  port: number;
}

/** parseListenAddress reads `--metrics-listen`: `HOST:PORT`, `[IPv6]:PORT`, or `:PORT` (127.0.0.1). */
export function parseListenAddress(text: string, source = '--metrics-listen'): ListenAddress {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) throw new UsageError(`${source} must be HOST:PORT (for example 127.0.0.1:9464), not ${JSON.stringify(text)}`);
  return { host: match[1] ?? (match[2] || '127.0.0.1'), port };
}

/** MetricsListener is a started `--metrics-listen` server. */
export interface MetricsListener {
  url: string;
  close(): Promise<void>;
}

/** startMetricsListener serves the process's /metrics alone on `address` (see buildMetricsApp). */
export async function startMetricsListener(p: { address: ListenAddress; metrics: ProcessMetrics; token: string | null; log: Logger }): Promise<MetricsListener> {
  const app = await buildMetricsApp({ metrics: p.metrics, token: p.token, log: p.log });
  try {
    await app.listen({ host: p.address.host, port: p.address.port });
  } catch (error) {
    await app.close();
    throw error;
  }
  const bound = app.server.address();
  const port = typeof bound === 'object' && bound ? bound.port : p.address.port;
  const host = p.address.host.includes(':') ? `[${p.address.host}]` : p.address.host;
  return { url: `http://${host}:${port}/metrics`, close: () => app.close() };
}
