import { Gauge, type Registry } from 'prom-client';

/**
 * scrapedGauges makes gauges labelled by `label` that share one read of `readRows` per scrape (a
 * scrape collects every metric at once, so the read in flight serves them all). On each scrape a
 * gauge is reset, then set to 0 for each of `zeros` and to its value for each row (`labelOf` names
 * the row; a null value leaves the row out). Returns the maker of one such gauge.
 */
export function scrapedGauges<Row>(
  registry: Registry,
  label: string,
  readRows: () => Promise<Row[]>,
  labelOf: (row: Row) => string,
  zeros: readonly string[] = [],
): (name: string, help: string, value: (row: Row) => number | null) => void {
  let reading: Promise<Row[]> | null = null;
  const read = () => (reading ??= readRows().finally(() => (reading = null)));
  return (name, help, value) => {
    new Gauge({
      name,
      help,
      labelNames: [label],
      registers: [registry],
      async collect() {
        const rows = await read();
        this.reset();
        for (const zero of zeros) this.set({ [label]: zero }, 0);
        for (const row of rows) {
          const v = value(row);
          if (v !== null) this.set({ [label]: labelOf(row) }, v);
        }
      },
    });
  };
}

/** waitedSeconds is how long ago `since` was at `now` (epoch ms), in seconds, never below 0. */
export function waitedSeconds(now: number, since: Date): number {
  return Math.max(0, now - since.getTime()) / 1000;
}
