#!/usr/bin/env node
import { runCli } from './main.js';

// A failed command exits at once with its code, as it always has; a finished one lets the event loop
// drain (and keeps any process.exitCode a command set).
runCli(process.argv.slice(2)).then((code) => {
  if (code !== 0) process.exit(code);
});
