// The bench's output: one result row per figure, the table it prints (Markdown, so the README can
// show it as it is) and the JSON it writes to bench/results/latest.json.
import { type Target, formatNumber, ratioOf, round, targetMet, targetText } from './stats.js';

/** BenchResult is one figure: ours, its baseline, their ratio and the target. */
export interface BenchResult {
  name: string;
  unit: string;
  value: number;
  /** baseline names what the figure is compared with (measured in the same run), or null. */
  baseline: string | null;
  baselineValue: number | null;
  /** ratio is value / baselineValue. */
  ratio: number | null;
  target: string | null;
  met: boolean | null;
  /** spread is how far repeated runs of `value` disagreed: (max − min) / median, in percent. */
  spread: number | null;
  /** note says anything a reader needs to read the figure right. */
  note?: string;
}

/** ResultInput is what a scenario knows about one figure; `makeResult` derives the rest. */
export interface ResultInput {
  name: string;
  unit: string;
  value: number;
  baseline?: string;
  baselineValue?: number;
  target?: Target;
  spread?: number;
  note?: string;
}

/** makeResult computes the ratio and whether the target is met. */
export function makeResult(input: ResultInput): BenchResult {
  const baselineValue = input.baselineValue ?? null;
  const ratio = ratioOf(input.value, baselineValue);
  const result: BenchResult = {
    name: input.name,
    unit: input.unit,
    value: round(input.value, 3),
    baseline: input.baseline ?? null,
    baselineValue: baselineValue === null ? null : round(baselineValue, 3),
    ratio,
    target: input.target ? targetText(input.target, input.unit) : null,
    met: input.target ? targetMet(input.target, input.value, ratio) : null,
    spread: input.spread === undefined ? null : round(input.spread, 1),
  };
  if (input.note) result.note = input.note;
  return result;
}

/** Machine describes where the run happened. */
export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  node: string;
  postgres: string;
  fsyncPerSec: number | null;
  /** loadAverage is the 1-minute load when the run started and when it ended. */
  loadAverage: { start: number; end: number };
  platform: string;
}

/** BenchReport is the whole of bench/results/latest.json. */
export interface BenchReport {
  mode: 'quick' | 'full';
  startedAt: string;
  durationSec: number;
  machine: Machine;
  results: BenchResult[];
  /** failures lists scenarios that could not finish, with the reason. */
  failures: { scenario: string; error: string }[];
}

const HEADER = ['figure', 'ours', 'baseline', 'ratio', 'target', 'met', 'spread'];

/** formatTable renders the results as a Markdown table. */
export function formatTable(results: readonly BenchResult[]): string {
  const rows = results.map((r) => [
    r.name,
    `${formatNumber(r.value)} ${r.unit}`,
    r.baseline === null ? '' : `${r.baseline}: ${r.baselineValue === null ? '–' : formatNumber(r.baselineValue)}`,
    r.ratio === null ? '' : `${formatNumber(r.ratio)}×`,
    r.target ?? '',
    r.met === null ? '' : r.met ? 'yes' : '**no**',
    r.spread === null ? '' : `±${formatNumber(r.spread / 2)}%`,
  ]);
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(HEADER), line(HEADER.map(() => '---')), ...rows.map(line)].join('\n');
}

/** formatMachine is one line saying where and how the run happened. */
export function formatMachine(report: Pick<BenchReport, 'mode' | 'startedAt' | 'durationSec' | 'machine'>): string {
  const m = report.machine;
  return (
    `${report.mode} run of ${report.startedAt.slice(0, 16).replace('T', ' ')} UTC (${Math.round(report.durationSec)} s): ` +
    `${m.cores} × ${m.cpu}, ${m.memoryGb} GB, Node ${m.node}, ${m.postgres}, ` +
    `${m.fsyncPerSec === null ? '?' : formatNumber(m.fsyncPerSec)} fsync/s, ` +
    `load average ${m.loadAverage.start.toFixed(2)} at the start and ${m.loadAverage.end.toFixed(2)} at the end`
  );
}

/** README_START and README_END mark the README's benchmark section, which `--readme` replaces. */
export const README_START = '<!-- bench:start -->';
export const README_END = '<!-- bench:end -->';

/** replaceReadmeSection puts `body` between the markers; throws when they are missing. */
export function replaceReadmeSection(readme: string, body: string): string {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${README_START} … ${README_END} section`);
  return `${readme.slice(0, start + README_START.length)}\n${body.trim()}\n${readme.slice(end)}`;
}

/** readmeBody is the text of the README's benchmark section for a report. */
export function readmeBody(report: BenchReport): string {
  const unmet = report.results.filter((r) => r.met === false).length;
  const judged = report.results.filter((r) => r.met !== null).length;
  return [
    `Last written from a ${formatMachine(report)}.`,
    ...(report.mode === 'quick' ? ['', 'This is a quick run (small sizes, a smoke check), not the figures to quote; a full run replaces it.'] : []),
    ...(report.machine.loadAverage.start > report.machine.cores / 2
      ? ['', `The machine was shared and busy (load average ${report.machine.loadAverage.start.toFixed(1)} on ${report.machine.cores} cores), so absolute figures are low; the ratios are the figures to read.`]
      : []),
    '',
    `Targets met: ${judged - unmet} of ${judged}.` + (report.failures.length ? ` Scenarios that did not finish: ${report.failures.map((f) => f.scenario).join(', ')}.` : ''),
    '',
    formatTable(report.results),
  ].join('\n');
}
