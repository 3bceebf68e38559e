// The bench's pure helpers: its statistics, its targets, its table and JSON shape, and the README
// section it rewrites. The bench itself is not part of `npm test`; these keep it from breaking silently.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { burnRates } from '../../bench/lib/longrun.js';
import { type BenchReport, README_END, README_START, formatTable, makeResult, readmeBody, replaceReadmeSection } from '../../bench/lib/report.js';
import { interleave } from '../../bench/lib/scenario.js';
import { LatencyRecorder, formatNumber, median, ratioOf, summarize, targetMet, targetText } from '../../bench/lib/stats.js';

describe('bench statistics', () => {
  it('takes the middle value as the median, and the mean of the middle two for an even count', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.ok(Number.isNaN(median([])));
  });

  it('gives the spread of runs as their range over the median, in percent', () => {
    const s = summarize([90, 100, 110]);
    assert.equal(s.median, 100);
    assert.equal(s.spread, 20);
    assert.equal(summarize([5]).spread, 0);
    assert.throws(() => summarize([]));
  });

  it('reads latency percentiles at microsecond resolution', () => {
    const recorder = new LatencyRecorder();
    for (let i = 1; i <= 1000; i++) recorder.record(i / 100); // 0.01 … 10 ms
    const { p50, p99, count } = recorder.summary();
    assert.equal(count, 1000);
    assert.ok(Math.abs(p50 - 5) < 0.01, `p50 ${p50}`);
    assert.ok(Math.abs(p99 - 9.9) < 0.02, `p99 ${p99}`);
  });

  it('judges targets on the value or on the ratio, and cannot judge without a baseline', () => {
    assert.equal(ratioOf(50, 100), 0.5);
    assert.equal(ratioOf(50, 0), null);
    assert.equal(ratioOf(50, null), null);
    assert.equal(targetMet({ on: 'ratio', op: '>=', limit: 0.5 }, 50, 0.5), true);
    assert.equal(targetMet({ on: 'ratio', op: '>=', limit: 0.5 }, 49, 0.49), false);
    assert.equal(targetMet({ on: 'value', op: '<=', limit: 5 }, 5.1, null), false);
    assert.equal(targetMet({ on: 'ratio', op: '<=', limit: 1.5 }, 3, null), null);
    assert.equal(targetText({ on: 'value', op: '<=', limit: 5 }, 'ms'), '≤ 5 ms');
    assert.equal(targetText({ on: 'ratio', op: '>=', limit: 2 }, 'jobs/s'), '≥ 2×');
  });

  it('prints figures to about three significant digits', () => {
    assert.deepEqual([12345.6, 123.4, 12.34, 1.234, 0.1234, 0.5, 2].map(formatNumber), ['12,346', '123', '12.3', '1.23', '0.123', '0.5', '2']);
  });

  it('runs interleaved rounds in order: baseline, ours, baseline, ours', async () => {
    const order: string[] = [];
    const runs = await interleave(2, {
      baseline: async () => (order.push('baseline'), 1),
      ours: async () => (order.push('ours'), 2),
    });
    assert.deepEqual(order, ['baseline', 'ours', 'baseline', 'ours']);
    assert.deepEqual(runs, { baseline: [1, 1], ours: [2, 2] });
  });

  it('reads a burn\'s end-to-end and create rates from its jobs\' own timestamps, and refuses a tally without a window', () => {
    const tally = { pending: 0, running: 0, completed: 2000, firstCreateMs: 10_000, lastCreateMs: 12_000, firstStartMs: 10_001, lastCompleteMs: 14_000 };
    assert.deepEqual(burnRates(tally, 2000), { endToEnd: 500, createsPerSec: 1000 });
    assert.throws(() => burnRates({ ...tally, lastCompleteMs: null }, 2000), /no time window/);
    assert.throws(() => burnRates({ ...tally, lastCreateMs: 10_000 }, 2000), /no time window/);
  });
});

describe('bench report', () => {
  const results = [
    makeResult({ name: 'create: SQLite durable', unit: 'req/s', value: 4000, baseline: 'bare Fastify', baselineValue: 10000, target: { on: 'ratio', op: '>=', limit: 0.5 }, spread: 12 }),
    makeResult({ name: 'floor: fsync', unit: '/s', value: 600 }),
  ];

  it('makes each result with the fields latest.json promises', () => {
    assert.deepEqual(Object.keys(results[0]!).sort(), ['baseline', 'baselineValue', 'met', 'name', 'ratio', 'spread', 'target', 'unit', 'value']);
    assert.equal(results[0]!.ratio, 0.4);
    assert.equal(results[0]!.met, false);
    assert.equal(results[1]!.met, null);
    assert.equal(results[1]!.ratio, null);
  });

  it('prints one table row per result, with ours, baseline, ratio, target and spread', () => {
    const lines = formatTable(results).split('\n');
    assert.equal(lines.length, 4);
    assert.match(lines[0]!, /\| figure \| ours \| baseline \| ratio \| target \| met \| spread \|/);
    assert.match(lines[2]!, /\| create: SQLite durable \| 4,000 req\/s \| bare Fastify: 10,000 \| 0\.4× \| ≥ 0\.5× \| \*\*no\*\* \| ±6% \|/);
  });

  it('replaces only the text between the README markers', () => {
    const readme = `# Title\n\n${README_START}\nold\n${README_END}\n\nafter\n`;
    const report: BenchReport = {
      mode: 'quick',
      startedAt: '2026-11-23T09:00:00.000Z',
      durationSec: 100,
      machine: { cpu: 'cpu', cores: 2, memoryGb: 4, node: '20', postgres: 'PostgreSQL 15', fsyncPerSec: 600, loadAverage: { start: 1, end: 2 }, platform: 'linux x64' },
      results,
      failures: [],
    };
    const out = replaceReadmeSection(readme, readmeBody(report));
    assert.ok(out.startsWith(`# Title\n\n${README_START}\nLast written from a quick run`));
    assert.ok(out.endsWith(`${README_END}\n\nafter\n`));
    assert.ok(!out.includes('old'));
    assert.throws(() => replaceReadmeSection('# no markers', 'x'), /no <!-- bench:start -->/);
  });

  it('keeps the committed latest.json in the shape the runner writes', () => {
    const report = JSON.parse(readFileSync(new URL('../../bench/results/latest.json', import.meta.url), 'utf8')) as BenchReport;
    assert.ok(report.mode === 'quick' || report.mode === 'full');
    for (const key of ['cpu', 'cores', 'node', 'postgres', 'fsyncPerSec']) assert.ok(key in report.machine, key);
    assert.ok(report.results.length > 0);
    for (const r of report.results) {
      for (const key of ['name', 'unit', 'value', 'baseline', 'baselineValue', 'ratio', 'target', 'met']) assert.ok(key in r, `${r.name}: ${key}`);
    }
  });
});
