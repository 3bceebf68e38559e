/**
 * What the HTTP app and its route plugins are given. It lives apart from app.ts so the routes,
 * which app.ts registers, never import app.ts back.
 */
import type { Timers } from '../domain/index.js';
import type { Logger } from '../log/index.js';
import type { ServiceDeps } from '../service/index.js';
import type { RateLimiter } from './rateLimit.js';

/** AppDeps is what the HTTP app needs. */
export interface AppDeps {
  service: ServiceDeps;
  /** adminKey is LONGRUN_ADMIN_KEY; null turns the admin API off. */
  adminKey: string | null;
  /** bodyLimit is the largest body accepted, in bytes (default 10 MiB). */
  bodyLimit?: number;
  /** log is the process's logger; requests are logged at info (default: none). */
  log?: Logger;
  /** rateLimiter is the per-key request budget; null or absent turns it off. */
  rateLimiter?: RateLimiter | null;
  /**
   * metrics restricts /metrics (its numbers are `service.metrics`): `token` is what a scrape must
   * present (null or absent: nothing); `separate` is true when another listener serves /metrics
   * (buildMetricsApp), so the API's port does not.
   */
  metrics?: { token?: string | null; separate?: boolean };
  /** workerFileMaxBytes is the largest file a remote worker may upload (default 50 MiB; `--render-max-bytes`). */
  workerFileMaxBytes?: number;
  /** compat names the compatibility dialects to mount under /compat (`--compat`); absent: all of them. */
  compat?: readonly string[];
  /** cleariflowRequireKey makes cleariflow's GET need the key too (`--cleariflow-require-key`). */
  cleariflowRequireKey?: boolean;
  /** version is shown in /openapi.json. */
  version?: string;
  /** timers run the event streams' pings (default Node's); tests pass a ManualClock. */
  timers?: Timers;
}
