// `npm run bench` runs every scenario, one at a time, each in its own child processes, prints the
// table and writes bench/results/latest.json. `-- --quick` is the small smoke run; `-- --only
// create,e2e` runs some scenarios; `-- --readme` writes the table of latest.json into README.md;
// `-- --profile DIR` has every Longrun process write a CPU profile there (see bench/profile.ts).
import { readFileSync, renameSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_ROOT, killAllChildren } from './lib/children.js';
import { type BenchContext, DEFAULT_DATA_DIR, SIZES } from './lib/context.js';
import { profileInto } from './lib/longrun.js';
import { DEFAULT_POSTGRES_URL, benchDatabaseUrl, createBenchDatabase, dropBenchDatabase, postgresVersion } from './lib/postgres.js';
import { type BenchReport, type BenchResult, formatMachine, formatTable, readmeBody, replaceReadmeSection } from './lib/report.js';
import type { Scenario } from './lib/scenario.js';
import { create } from './scenarios/create.js';
import { deployments } from './scenarios/deployments.js';
import { depth } from './scenarios/depth.js';
import { e2e } from './scenarios/e2e.js';
import { fairness } from './scenarios/fairness.js';
import { floors } from './scenarios/floors.js';
import { memory } from './scenarios/memory.js';
import { pickup } from './scenarios/pickup.js';
import { pythonWorker } from './scenarios/pythonWorker.js';
import { read } from './scenarios/read.js';
import { render } from './scenarios/render.js';

/**
 * SCENARIOS run in this order; floors first, since later targets use them; deployments (scenario
 * 10) after e2e, whose store figures it puts in a deployment's terms; fairness (11) beside depth, the
 * other claim-cost scenario; render (8), then the Python worker (9).
 */
const SCENARIOS: Scenario[] = [floors, create, e2e, deployments, pickup, depth, fairness, read, memory, render, pythonWorker];

const RESULTS_FILE = join(BENCH_ROOT, 'bench', 'results', 'latest.json');
const README = join(BENCH_ROOT, 'README.md');

function writeReadme(): void {
  const report = JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as BenchReport;
  writeFileSync(README, replaceReadmeSection(readFileSync(README, 'utf8'), readmeBody(report)));
  console.log(`README.md: wrote the ${report.mode} run of ${report.startedAt}`);
}

async function run(): Promise<void> {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean' }, only: { type: 'string' }, readme: { type: 'boolean' }, profile: { type: 'string' } },
    strict: true,
  });
  if (values.readme) return writeReadme();
  const mode = values.quick ? 'quick' : 'full';
  const only = values.only?.split(',').map((s) => s.trim());
  const chosen = SCENARIOS.filter((s) => !only || only.includes(s.name));
  if (only && chosen.length !== only.length) throw new Error(`--only: known scenarios are ${SCENARIOS.map((s) => s.name).join(', ')}`);

  if (values.profile) {
    mkdirSync(values.profile, { recursive: true });
    profileInto(resolve(values.profile));
  }
  const serverUrl = process.env.LONGRUN_BENCH_POSTGRES_URL || DEFAULT_POSTGRES_URL;
  const database = `longrun_bench_${process.pid}`;
  const startedAt = new Date();
  const loadStart = loadavg()[0]!;
  rmSync(DEFAULT_DATA_DIR, { recursive: true, force: true });
  mkdirSync(DEFAULT_DATA_DIR, { recursive: true });
  await createBenchDatabase(serverUrl, database);
  cleanUp = async () => {
    await dropBenchDatabase(serverUrl, database).catch((error: Error) => console.error(`could not drop ${database}: ${error.message}`));
    rmSync(DEFAULT_DATA_DIR, { recursive: true, force: true });
  };
  const ctx: BenchContext = {
    mode,
    sizes: SIZES[mode],
    dataDir: DEFAULT_DATA_DIR,
    pgUrl: benchDatabaseUrl(serverUrl, database),
    floors: {},
    log: (message) => console.log(`  ${message}`),
  };
  const results: BenchResult[] = [];
  const failures: { scenario: string; error: string }[] = [];
  try {
    for (const scenario of chosen) {
      const began = performance.now();
      console.log(`${scenario.name} …`);
      try {
        const got = await scenario.run(ctx);
        results.push(...got);
        console.log(formatTable(got).split('\n').slice(2).join('\n'));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        failures.push({ scenario: scenario.name, error: message.split('\n')[0]! });
        console.error(`${scenario.name} failed: ${message}`);
      } finally {
        killAllChildren();
      }
      console.log(`  (${((performance.now() - began) / 1000).toFixed(0)} s)`);
    }
  } finally {
    killAllChildren();
    await cleanUp();
    cleanUp = async () => {};
  }
  const cpu = cpus();
  const report: BenchReport = {
    mode,
    startedAt: startedAt.toISOString(),
    durationSec: Math.round((Date.now() - startedAt.getTime()) / 1000),
    machine: {
      cpu: cpu[0]?.model.trim() ?? 'unknown',
      cores: cpu.length,
      memoryGb: Math.round(totalmem() / 2 ** 30),
      node: process.versions.node,
      postgres: await postgresVersion(serverUrl).catch(() => 'PostgreSQL ?'),
      fsyncPerSec: ctx.floors.fsyncPerSec === undefined ? null : Math.round(ctx.floors.fsyncPerSec),
      loadAverage: { start: loadStart, end: loadavg()[0]! },
      platform: `${process.platform} ${process.arch}`,
    },
    results,
    failures,
  };
  if (!only) {
    writeFileSync(`${RESULTS_FILE}.tmp`, `${JSON.stringify(report, null, 2)}\n`);
    renameSync(`${RESULTS_FILE}.tmp`, RESULTS_FILE);
  }
  console.log(`\n${formatMachine(report)}\n\n${formatTable(results)}`);
  if (failures.length) console.log(`\nDid not finish: ${failures.map((f) => `${f.scenario} (${f.error})`).join('; ')}`);
  console.log(only ? '\n(--only: bench/results/latest.json left as it was)' : `\nwrote ${RESULTS_FILE}`);
  if (failures.length) process.exitCode = 1;
}

/** cleanUp drops the run's database and data dir; an interrupted run does it on its way out. */
let cleanUp: () => Promise<void> = async () => {};

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killAllChildren();
    void cleanUp().finally(() => process.exit(130));
  });
}
process.on('exit', killAllChildren);

run().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : String(error));
  killAllChildren();
  process.exit(1);
});
