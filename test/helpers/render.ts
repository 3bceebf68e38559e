// Job type test plumbing: a real browser pool and file store shared by one test file, a way to run
// one job type's attempt directly (no store, no HTTP), local pages and canaries on
// 127.0.0.1, and a /proc scan for Chromium processes this test process started.
import { mkdtemp, rm } from 'node:fs/promises';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type JsonObject, newId } from '../../src/domain/index.js';
import { LocalFileStore } from '../../src/files/index.js';
import { apiLinks } from '../../src/http/links.js';
import { JobTypeRegistry, type JobContext } from '../../src/jobtypes/index.js';
import {
  DEFAULT_RENDER_SETTINGS,
  type RenderEnvironment,
  type RenderSettings,
  type TargetCheck,
  renderEnvironment,
  renderJobTypes,
} from '../../src/jobtypes/render/index.js';
import { attemptFiles } from '../../src/worker/index.js';

/** RenderRun is one attempt's result: its output, its stored files and the progress it reported. */
export interface RenderRun {
  output: any;
  files: Map<string, Buffer>;
  progress: string[];
}

/** RenderHarness runs render attempts on one shared browser. */
export interface RenderHarness {
  env: RenderEnvironment;
  registry: JobTypeRegistry;
  /** run runs one attempt of `type` with `input` (defaults applied, as a worker would). */
  run(type: string, input: JsonObject, options?: { signal?: AbortSignal }): Promise<RenderRun>;
  close(): Promise<void>;
}

/**
 * renderHarness makes a browser pool with the given settings. The URL guard is the real one
 * with `allowPrivate` (default true, so local pages load); `check` replaces it where a test
 * must load a local page with the guard on for everything else.
 */
export async function renderHarness(
  p: { allowPrivate?: boolean; check?: TargetCheck; settings?: Partial<RenderSettings> } = {},
): Promise<RenderHarness> {
  const env = renderEnvironment({ ...DEFAULT_RENDER_SETTINGS, ...p.settings }, { allowPrivateTargets: p.allowPrivate ?? true });
  if (p.check) env.check = p.check;
  const registry = new JobTypeRegistry(renderJobTypes(env));
  const dir = await mkdtemp(join(tmpdir(), 'longrun-render-test-'));
  const store = new LocalFileStore(dir);
  return {
    env,
    registry,
    run: (type, input, options) => runDirectly({ registry, files: store }, type, input, options),
    async close() {
      await env.pool.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** renderOnce renders one file with a render type on a browser of its own, closed after: a test's input made by Longrun itself. */
export async function renderOnce(type: string, input: JsonObject, file: string): Promise<Buffer> {
  const harness = await renderHarness({ settings: { chromiumPath: process.env.LONGRUN_CHROMIUM } });
  try {
    const rendered = (await harness.run(type, input)).files.get(file);
    if (!rendered) throw new Error(`${type} stored no ${file}`);
    return rendered;
  } finally {
    await harness.close();
  }
}

/** tempFileStore is a LocalFileStore in a fresh temp folder, and the way to remove it. */
export async function tempFileStore(): Promise<{ files: LocalFileStore; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'longrun-files-test-'));
  return { files: new LocalFileStore(dir), remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * runDirectly runs one attempt of `type` with `input` (defaults applied, as a worker would) on
 * `files`, with no store and no HTTP, and reads back every file its output lists. A handler that
 * reads an earlier job's file or the account's jobs gets `readJobFile` and `accountJobs`, if given;
 * `onProgress` hears each progress message as it is reported.
 */
export async function runDirectly(
  p: { registry: JobTypeRegistry; files: LocalFileStore; readJobFile?: JobContext['readJobFile']; accountJobs?: JobContext['accountJobs'] },
  type: string,
  input: JsonObject,
  options: { signal?: AbortSignal; onProgress?: (message: string) => void } = {},
): Promise<RenderRun> {
  const prepared = p.registry.prepareInput(type, input);
  if (!prepared.ok) throw new Error(`bad input: ${JSON.stringify(prepared.errors)}`);
  const job = { id: newId('job'), type, attempt: 1, maxAttempts: 1, metadata: {} };
  const progress: string[] = [];
  const files = attemptFiles({ files: p.files, links: apiLinks }, job);
  const ctx: JobContext = {
    job,
    input: prepared.input,
    signal: options.signal ?? new AbortController().signal,
    progress: async (_percent, message) => {
      progress.push(message ?? '');
      options.onProgress?.(message ?? '');
    },
    files,
    readJobFile:
      p.readJobFile ??
      (async () => {
        throw new Error(`${type} was given no earlier job's file in this test`);
      }),
    accountJobs:
      p.accountJobs ??
      (async () => {
        throw new Error(`${type} was given no account's jobs in this test`);
      }),
  };
  const output = await p.registry.handler(type)(ctx);
  const stored = new Map<string, Buffer>();
  for (const file of (output as { files: { name: string }[] }).files) {
    const body = await p.files.fileRead({ jobId: job.id, name: file.name });
    const chunks: Buffer[] = [];
    for await (const chunk of body!) chunks.push(chunk as Buffer);
    stored.set(file.name, Buffer.concat(chunks));
  }
  return { output, files: stored, progress };
}

/** LocalSite is an HTTP server on 127.0.0.1 and the requests it has seen. */
export interface LocalSite {
  server: Server;
  port: number;
  origin: string;
  /** requests are the paths asked for, in order. */
  requests: string[];
  /** connections counts TCP connections accepted, answered or not. */
  connections: number;
  close(): Promise<void>;
}

/** startSite serves `handle` on a free port of 127.0.0.1; a canary is a site nobody may reach. */
export async function startSite(handle: (request: IncomingMessage, response: ServerResponse) => void = (_q, r) => r.end('canary')): Promise<LocalSite> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    requests.push(request.url ?? '');
    handle(request, response);
  });
  const site = { server, port: 0, origin: '', requests, connections: 0, close: async () => {} };
  server.on('connection', (socket) => {
    site.connections += 1;
    socket.unref();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  site.port = (server.address() as { port: number }).port;
  site.origin = `http://127.0.0.1:${site.port}`;
  site.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return site;
}

/**
 * chromiumDescendants lists the processes below `pid` (default: this one) whose command is a
 * Chromium, read from /proc: the way to see that the pool leaves none behind.
 */
export function chromiumDescendants(pid = process.pid): number[] {
  const parents = new Map<number, number>();
  const names = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command sits in parentheses and may hold spaces; the fields after it are fixed.
      const close = stat.lastIndexOf(')');
      const fields = stat.slice(close + 2).split(' ');
      if (fields[0] === 'Z') continue; // a zombie holds nothing and is only waiting for its parent
      parents.set(Number(entry), Number(fields[1]));
      names.set(Number(entry), stat.slice(stat.indexOf('(') + 1, close));
    } catch {
      // the process ended while we looked
    }
  }
  const below = (candidate: number): boolean => {
    for (let at = parents.get(candidate); at !== undefined && at > 1; at = parents.get(at)) if (at === pid) return true;
    return false;
  };
  return [...parents.keys()].filter((candidate) => below(candidate) && /chrom|headless/i.test(names.get(candidate) ?? ''));
}

/** isAlive tells whether a process (not a zombie) still exists. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
