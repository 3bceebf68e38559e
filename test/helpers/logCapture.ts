// Reads what a server logs: a stream handed to the process logger (RuntimeConfig.logStream) that
// keeps every JSON line, the raw text too (to prove a secret never appears anywhere in it), and
// resolves waits when a matching line is written, so a test never sleeps for a log line.
import type { DestinationStream } from 'pino';

/** LogLine is one parsed log entry. */
export type LogLine = Record<string, any> & { level: number; msg: string };

/** LogCapture is a log stream and what has been written to it. */
export interface LogCapture {
  stream: DestinationStream;
  lines: LogLine[];
  /** text is every byte written, unparsed. */
  text(): string;
  /** waitFor resolves with the first line (written or still to come) that `match` accepts. */
  waitFor(match: (line: LogLine) => boolean): Promise<LogLine>;
}

/** PINO_LEVELS are pino's numbers for its levels. */
export const PINO_LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;

/** captureLog makes a LogCapture. */
export function captureLog(): LogCapture {
  const lines: LogLine[] = [];
  const raw: string[] = [];
  const waiters: { match: (line: LogLine) => boolean; resolve: (line: LogLine) => void }[] = [];
  const stream: DestinationStream = {
    write(chunk: string) {
      raw.push(chunk);
      for (const text of chunk.split('\n')) {
        if (text === '') continue;
        const line = JSON.parse(text) as LogLine;
        lines.push(line);
        for (const waiter of [...waiters]) {
          if (!waiter.match(line)) continue;
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    },
  };
  return {
    stream,
    lines,
    text: () => raw.join(''),
    waitFor(match) {
      const found = lines.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
  };
}
