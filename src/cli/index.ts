#!/usr/bin/env node
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
  accounts List the accounts on the store (longrun accounts --help)
  types    Declare job types without code, list and delete them (longrun types --help)

  longrun --version prints the version.

Docs: README.md, and GET /docs on a running server.`;

/** main runs one command; a bad flag exits 2, any other failure 1, each with its reason. */
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

main(process.argv.slice(2)).catch((error: unknown) => {
  // A problem from the server is shown whole, every field problem on its own line.
  const message = error instanceof ApiError ? error.report() : error instanceof Error ? error.message.split('\n')[0] : String(error);
  console.error(`longrun: ${message}`);
  process.exit(error instanceof UsageError ? 2 : 1);
});
