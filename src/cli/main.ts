// The `longrun` command line as a function: src/cli/index.ts (the bin) runs it on process.argv and
// exits with its code; tests call it in-process, which spares each case a process start through tsx.
import { packageVersion } from '../runtime/index.js';
import { accountsCommand } from './accounts.js';
import { ApiError } from './client.js';
import { jobsCommand } from './jobs.js';
import { keysCommand } from './keys.js';
import { serveCommand } from './serve.js';
import { typesCommand } from './types.js';
import { workerCommand } from './worker.js';
import { UsageError } from './options.js';

const COMMANDS: Record<string, (args: string[]) => Promise<void>> = {
  serve: serveCommand,
  worker: workerCommand,
  jobs: jobsCommand,
  keys: keysCommand,
  accounts: accountsCommand,
  types: typesCommand,
};

const HELP = `Usage: longrun <command> [flags]

Commands:
  serve    Serve the API with in-process workers (longrun serve --help)
  worker   Run workers alone on the same database as an API (longrun worker --help)
  jobs     Create, get, list, wait for and cancel jobs on a server (longrun jobs --help)
  keys     Issue, list and revoke API keys on the store (longrun keys --help)
  accounts List accounts, show and set their weight and caps (longrun accounts --help)
  types    Declare job types without code, list and delete them (longrun types --help)

  longrun --version prints the version.

Docs: README.md, and GET /docs on a running server.`;

/**
 * runCli runs one `longrun` command line and resolves with its exit code: 0, 2 for a bad flag, 1 for
 * any other failure, whose reason it prints on stderr. A command may also set process.exitCode
 * (`jobs wait` on a job that did not complete); the caller reads it.
 */
export async function runCli(argv: string[]): Promise<number> {
  try {
    await main(argv);
    return 0;
  } catch (error: unknown) {
    // A problem from the server is shown whole, every field problem on its own line.
    const message = error instanceof ApiError ? error.report() : error instanceof Error ? error.message.split('\n')[0] : String(error);
    console.error(`longrun: ${message}`);
    return error instanceof UsageError ? 2 : 1;
  }
}

/** main runs one command, throwing a UsageError for a bad flag. */
async function main(argv: string[]): Promise<void> {
  let [command, ...args] = argv;
  if (command === '--version' || command === '-v' || command === 'version') {
    console.log(`longrun ${packageVersion()}`);
    return;
  }
  // `longrun help jobs` is `longrun jobs --help`.
  if (command === 'help' && args[0] !== undefined && COMMANDS[args[0]]) [command, args] = [args[0], ['--help']];
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    console.log(HELP);
    return;
  }
  const run = COMMANDS[command];
  if (!run) throw new UsageError(`unknown command ${JSON.stringify(command)}; try longrun --help`);
  await run(args);
}
