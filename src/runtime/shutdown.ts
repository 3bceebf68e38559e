/**
 * installShutdown runs `close` on the first SIGTERM/SIGINT and exits 0 (1 if closing failed); a
 * second signal exits 1 at once. Until then it holds the process open: the loops' timers do not
 * (so tests that start them end cleanly), and a worker process has no listener that would.
 */
export function installShutdown(what: string, graceMs: number, close: () => Promise<void>): void {
  const keepAlive = setInterval(() => undefined, 1 << 30);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      console.error(`longrun: ${signal} again, exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    console.log(`longrun: ${signal}: stopping the ${what} (running jobs get ${graceMs} ms to finish)`);
    close().then(
      () => {
        clearInterval(keepAlive);
        process.exit(0);
      },
      (error: unknown) => {
        console.error(`longrun: shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
