#!/usr/bin/env node
import { jobsCommand } from './jobs.js';
import { keysCommand } from './keys.js';
import { serveCommand } from './serve.js';
import { workerCommand } from './worker.js';
import { UsageError } from './options.js';

const COMMANDS: Record<string, (args: string[]) => Promise<void>> = {
  serve: serveCommand,
  worker: workerCommand,
  jobs: jobsCommand,
  keys: keysCommand,
};

const HELP = `Usage: longrun <command> [flags]

Commands:
  serve    Serve the API with in-process workers (longrun serve --help)
  worker   Run workers alone on the same database as an API (longrun worker --help)
  jobs     Create, get, list, wait for and cancel jobs on a server (longrun jobs --help)
  keys     Issue and revoke API keys on the store (longrun keys --help)

Docs: README.md, and GET /docs on a running server.`;

/** main runs one command; a bad flag exits 2, any other failure 1, each with a one-line reason. */
async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    console.log(HELP);
    return;
  }
  const run = COMMANDS[command];
  if (!run) throw new UsageError(`unknown command ${JSON.stringify(command)}; try longrun --help`);
  await run(args);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`longrun: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  process.exit(error instanceof UsageError ? 2 : 1);
});
