/**
 * The browser pool: one Chromium per process, launched on the first render (never at start-up),
 * shared by the process's render jobs, each in a fresh incognito context. It is replaced after
 * `recycleAfter` contexts (a long-lived browser grows) or when it dies, and closed with the
 * process, so no Chromium outlives Longrun.
 */
import { type Browser, type BrowserContext, type BrowserContextOptions, type LaunchOptions, chromium } from 'playwright-core';
import { unpackBundledChromium } from './bundledChromium.js';

/** BrowserPoolOptions configure the pool. */
export interface BrowserPoolOptions {
  /**
   * chromiumPath is the browser to run (LONGRUN_CHROMIUM). Without it, the Chromium inside the
   * `@sparticuz/chromium` npm package is unpacked (once per machine, into the temp dir) and used.
   */
  chromiumPath?: string;
  /** recycleAfter is how many contexts a browser serves before it is replaced (default 200). */
  recycleAfter?: number;
  /** onLaunch is told of each launch, and of its error when Chromium would not start (logs, metrics). */
  onLaunch?: (outcome: { ok: true; durationMs: number } | { ok: false; durationMs: number; error: unknown }) => void;
}

// Flags for any Chromium we run. WebRTC may not use UDP outside the proxy (it would bypass the
// URL guard); /dev/shm is small in containers; the rest turn off traffic nobody asked for.
const COMMON_ARGS = [
  '--force-webrtc-ip-handling-policy=disable_non_proxied_udp',
  '--webrtc-ip-handling-policy=disable_non_proxied_udp',
  '--disable-dev-shm-usage',
  '--disable-domain-reliability',
  '--no-pings',
  '--font-render-hinting=none',
];
// The npm package's Chromium is built for sandbox-less serverless hosts and draws with
// SwiftShader. Its own recommended flags also turn off web security and site isolation; we
// leave those out: a render must not read across origins.
const BUNDLED_ARGS = ['--no-sandbox', '--no-zygote', '--use-gl=angle', '--use-angle=swiftshader'];

interface Launched {
  browser: Browser;
  contexts: number;
  open: number;
  retired: boolean;
}

/**
 * BrowserLaunchError: the browser could not be unpacked or started. It says nothing about the
 * job, so the job waits `retryAfterMs` and tries again: 1 s, doubled with each launch of this
 * pool that failed in a row, at most a minute.
 */
export class BrowserLaunchError extends Error {
  readonly retryAfterMs: number;
  constructor(override readonly cause: unknown, readonly failuresInARow: number) {
    super(`Chromium did not start: ${(cause instanceof Error ? cause.message : String(cause)).split('\n')[0]!.slice(0, 300)}`);
    this.name = 'BrowserLaunchError';
    this.retryAfterMs = Math.min(60_000, 1000 * 2 ** Math.min(6, failuresInARow - 1));
  }
}

/** BrowserPool hands out fresh browser contexts on a shared, lazily launched browser. */
export class BrowserPool {
  private current: Promise<Launched> | null = null;
  private readonly all = new Set<Launched>();
  private closed = false;
  private readonly recycleAfter: number;

  constructor(private readonly options: BrowserPoolOptions = {}) {
    this.recycleAfter = options.recycleAfter ?? 200;
  }

  /** launches counts the browsers this pool has started; for tests and metrics. */
  launches = 0;
  private launchFailures = 0;

  /**
   * withContext runs `use` with a new incognito context of the shared browser and closes the
   * context afterwards, whatever happens.
   */
  async withContext<T>(contextOptions: BrowserContextOptions, use: (context: BrowserContext) => Promise<T>): Promise<T> {
    const launched = await this.acquire();
    let context: BrowserContext | null = null;
    try {
      context = await launched.browser.newContext(contextOptions);
      return await use(context);
    } finally {
      await context?.close().catch(() => undefined);
      launched.open -= 1;
      if (launched.retired && launched.open === 0) await this.retire(launched);
    }
  }

  /** close closes every browser of the pool; later renders are refused. */
  async close(): Promise<void> {
    this.closed = true;
    this.current = null;
    await Promise.all([...this.all].map((launched) => this.retire(launched)));
  }

  private async acquire(): Promise<Launched> {
    if (this.closed) throw new Error('The browser pool is closed');
    let current = this.current;
    if (current) {
      const launched = await current.catch(() => null);
      if (!launched || launched.retired || !launched.browser.isConnected()) current = null;
    }
    if (!current) {
      current = this.launch();
      this.current = current;
      // A failed launch is not kept: the next render tries again.
      current.catch(() => {
        if (this.current === current) this.current = null;
      });
    }
    const launched = await current;
    launched.open += 1;
    launched.contexts += 1;
    if (launched.contexts >= this.recycleAfter) {
      launched.retired = true; // serves the contexts it has, then goes
      if (this.current === current) this.current = null;
    }
    return launched;
  }

  private async launch(): Promise<Launched> {
    const started = Date.now();
    let browser: Browser;
    try {
      browser = await chromium.launch(await chromiumLaunchOptions(this.options.chromiumPath));
    } catch (error) {
      this.launchFailures += 1;
      this.options.onLaunch?.({ ok: false, durationMs: Date.now() - started, error });
      throw new BrowserLaunchError(error, this.launchFailures);
    }
    this.launchFailures = 0;
    this.options.onLaunch?.({ ok: true, durationMs: Date.now() - started });
    this.launches += 1;
    const launched: Launched = { browser, contexts: 0, open: 0, retired: false };
    this.all.add(launched);
    browser.once('disconnected', () => {
      // A crashed browser is dropped; the next render launches another.
      launched.retired = true;
      this.all.delete(launched);
    });
    if (this.closed) {
      await this.retire(launched);
      throw new Error('The browser pool is closed');
    }
    return launched;
  }

  private async retire(launched: Launched): Promise<void> {
    launched.retired = true;
    this.all.delete(launched);
    await launched.browser.close().catch(() => undefined);
  }
}

/**
 * chromiumLaunchOptions are how the pool launches Chromium: `chromiumPath` (LONGRUN_CHROMIUM) or
 * the npm package's Chromium, with the flags above. Exported so the render benchmark's bare
 * Playwright baseline launches exactly the same browser.
 */
export async function chromiumLaunchOptions(chromiumPath?: string): Promise<LaunchOptions> {
  const signals = { headless: true, handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false };
  if (chromiumPath === undefined) {
    const bundled = await unpackBundledChromium();
    return { executablePath: bundled.executablePath, args: [...COMMON_ARGS, ...BUNDLED_ARGS], env: { ...process.env, ...bundled.env }, ...signals };
  }
  // Chromium cannot sandbox itself as root; a system Chromium run by another user keeps its sandbox.
  return { executablePath: chromiumPath, args: [...COMMON_ARGS, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])], ...signals };
}
