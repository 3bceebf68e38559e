// The bench's arithmetic: medians and spread of repeated runs, percentiles of latency samples,
// and how a figure compares with its baseline and its target. Pure, so test/bench checks it.
import * as hdr from 'hdr-histogram-js';

/** Summary is what repeated runs of one measurement come to. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  /** spread is (max − min) / median, in percent: how far the runs disagreed (0 with one run). */
  spread: number;
  samples: number[];
}

/** median is the middle value (the mean of the two middle ones for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** summarize reduces repeated runs to their median and spread. */
export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new Error('summarize needs at least one value');
  const mid = median(values);
  const min = Math.min(...values);
  const max = Math.max(...values);
  return { median: mid, min, max, spread: mid === 0 ? 0 : ((max - min) / Math.abs(mid)) * 100, samples: [...values] };
}

/** LatencyRecorder keeps latency samples in an HDR histogram at microsecond resolution. */
export class LatencyRecorder {
  private readonly histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });

  /** record adds one sample, in milliseconds. */
  record(ms: number): void {
    this.histogram.recordValue(Math.max(1, Math.round(ms * 1000)));
  }

  /** count is how many samples were recorded. */
  get count(): number {
    return this.histogram.totalCount;
  }

  /** percentile returns the value at `p` (0–100), in milliseconds. */
  percentile(p: number): number {
    return this.histogram.getValueAtPercentile(p) / 1000;
  }

  /** summary is p50, p99 and max, in milliseconds. */
  summary(): { p50: number; p99: number; max: number; count: number } {
    return { p50: this.percentile(50), p99: this.percentile(99), max: this.histogram.maxValue / 1000, count: this.count };
  }
}

/** Target is a goal for one figure: on the figure itself or on its ratio to the baseline. */
export interface Target {
  on: 'value' | 'ratio';
  op: '>=' | '<=';
  limit: number;
}

/** targetText writes a target for the table: `≥ 0.5×`, `≤ 5 ms`. */
export function targetText(target: Target, unit: string): string {
  const op = target.op === '>=' ? '≥' : '≤';
  return target.on === 'ratio' ? `${op} ${formatNumber(target.limit)}×` : `${op} ${formatNumber(target.limit)} ${unit}`;
}

/** targetMet says whether `value` (and its `ratio`) meet the target; null when it cannot be judged. */
export function targetMet(target: Target, value: number, ratio: number | null): boolean | null {
  const subject = target.on === 'ratio' ? ratio : value;
  if (subject === null || !Number.isFinite(subject)) return null;
  return target.op === '>=' ? subject >= target.limit : subject <= target.limit;
}

/** ratioOf is ours / baseline, rounded to three digits; null without a usable baseline. */
export function ratioOf(value: number, baselineValue: number | null): number | null {
  if (baselineValue === null || !Number.isFinite(baselineValue) || baselineValue === 0 || !Number.isFinite(value)) return null;
  return round(value / baselineValue, 3);
}

/** round keeps `digits` decimals. */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** formatNumber prints a figure compactly, to three significant digits or so: 12,345, 12.3, 0.123, 0.5. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return String(Number(value.toFixed(digits)));
}
