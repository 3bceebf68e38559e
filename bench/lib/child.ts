// The other side of children.ts: what a bench child uses to read its input, report its result
// and stop by itself.

/** childInput parses the JSON the runner passed as the first argument. */
export function childInput<T>(): T {
  const raw = process.argv[2];
  if (!raw) throw new Error('expected the input as a JSON argument');
  return JSON.parse(raw) as T;
}

/** report prints the child's result on its `RESULT ` line, which runTool reads. */
export function report(result: unknown): void {
  console.log(`RESULT ${JSON.stringify(result)}`);
}

/** nowMs is a wall-clock time with sub-millisecond precision, comparable across processes. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * exitWithParent ends this process when the runner goes away (its stdin closes) or after
 * `maxMs`, so a child never outlives the bench.
 */
export function exitWithParent(maxMs: number): void {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('close', () => process.exit(0));
  process.stdin.resume();
  setTimeout(() => {
    console.error(`stopping after ${maxMs} ms, the limit`);
    process.exit(3);
  }, maxMs).unref();
}

/** stdinLines yields the lines the runner sends. */
export function onStdinLine(handler: (line: string) => void): void {
  let buffered = '';
  process.stdin.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    let at: number;
    while ((at = buffered.indexOf('\n')) >= 0) {
      handler(buffered.slice(0, at));
      buffered = buffered.slice(at + 1);
    }
  });
}

/** main runs a child's body and exits 0 when it returns, 1 with the reason when it throws. */
export function main(body: () => Promise<void>): void {
  body().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error instanceof Error ? error.stack : String(error));
      process.exit(1);
    },
  );
}
