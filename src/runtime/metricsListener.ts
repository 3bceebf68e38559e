import { buildMetricsApp } from '../http/metricsApp.js';
import type { Logger } from '../log/index.js';
import type { ProcessMetrics } from '../metrics/index.js';
import type { ListenAddress } from './config.js';

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
