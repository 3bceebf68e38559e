// Summarizes CPU profiles (`.cpuprofile`, from `npm run bench -- --profile DIR`): the functions
// with the most self time, and the files that hold the most, so a missed target names its cost.
//   node --import tsx bench/profile.ts DIR [--top 25]
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** selfTimes adds up each function's self time (ms) and each file's, over one profile. */
export function selfTimes(profile: Profile): { functions: Map<string, number>; files: Map<string, number>; totalMs: number } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const functions = new Map<string, number>();
  const files = new Map<string, number>();
  let totalMs = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const node = byId.get(id);
    if (!node) return;
    totalMs += ms;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, 'node_modules/').replace(/^.*\/dist\//, 'dist/') || '(native)';
    const key = `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
    functions.set(key, (functions.get(key) ?? 0) + ms);
    const group = file.startsWith('node_modules/') ? file.split('/').slice(0, file.split('/')[1]!.startsWith('@') ? 3 : 2).join('/') : file;
    files.set(group, (files.get(group) ?? 0) + ms);
  });
  return { functions, files, totalMs };
}

function top(map: Map<string, number>, n: number, totalMs: number): string {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([key, ms]) => `  ${((ms / totalMs) * 100).toFixed(1).padStart(5)}%  ${ms.toFixed(0).padStart(7)} ms  ${key}`)
    .join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({ options: { top: { type: 'string', default: '25' } }, allowPositionals: true });
  const dir = positionals[0];
  if (!dir) throw new Error('usage: bench/profile.ts DIR [--top N]');
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort()) {
    const { functions, files, totalMs } = selfTimes(JSON.parse(readFileSync(join(dir, name), 'utf8')) as Profile);
    console.log(`\n${name}: ${totalMs.toFixed(0)} ms sampled\n by file:\n${top(files, 12, totalMs)}\n by function:\n${top(functions, Number(values.top), totalMs)}`);
  }
}
