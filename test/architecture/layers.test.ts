// The layout's rules, checked on the source itself: every folder of src/ imports only from the
// folders below it (docs/design.md draws the same table), no file imports itself back through a
// circle, nothing outside src/store asks which driver it has, and no file grows past 400 lines.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';

const root = resolve(import.meta.dirname, '../..');
const src = join(root, 'src');

/**
 * LAYERS ranks each top-level folder of src/ (and the public entry): a file may import from its
 * own folder and from folders of a lower rank, never from an equal or higher one. Equal ranks are
 * siblings that must not know each other (worker and maintenance, files and egress).
 */
const LAYERS: Record<string, number> = {
  domain: 0,
  log: 1,
  loops: 1,
  egress: 2,
  files: 2,
  store: 3,
  jobtypes: 3,
  webhooks: 3,
  events: 4,
  metrics: 5,
  service: 6,
  worker: 7,
  maintenance: 7,
  http: 8,
  runtime: 9,
  cli: 10,
  'index.ts': 11,
};

const MAX_LINES = 400;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** layerOf is the top-level folder (or file) of src/ that holds `file`. */
function layerOf(file: string): string {
  return relative(src, file).split('/')[0]!;
}

/** importsOf lists the src files that `file` imports (static, `export … from` and dynamic imports, type-only ones too). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]!);
  return specifiers.map((specifier) => resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
}

const files = sourceFiles(src);
const graph = new Map(files.map((file) => [file, importsOf(file)]));

describe('source layout', () => {
  it('gives every top-level folder of src/ a rank', () => {
    const unranked = [...new Set(files.map(layerOf))].filter((layer) => !(layer in LAYERS));
    assert.deepEqual(unranked, [], 'add the new folder to LAYERS here and to the table in docs/design.md');
  });

  it('imports only downward: from its own folder or a lower layer', () => {
    const upward: string[] = [];
    for (const [file, targets] of graph) {
      const from = layerOf(file);
      for (const target of targets) {
        const to = layerOf(target);
        if (to !== from && !(LAYERS[to]! < LAYERS[from]!)) upward.push(`${relative(root, file)} → ${relative(root, target)}`);
      }
    }
    assert.deepEqual(upward, []);
  });

  it('has no import circle between files', () => {
    const circles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const path: string[] = [];
    const visit = (file: string) => {
      state.set(file, 'open');
      path.push(file);
      for (const target of graph.get(file) ?? []) {
        if (!graph.has(target)) continue;
        if (state.get(target) === 'open') circles.push(path.slice(path.indexOf(target)).concat(target).map((f) => relative(src, f)).join(' → '));
        else if (!state.has(target)) visit(target);
      }
      path.pop();
      state.set(file, 'done');
    };
    for (const file of files) if (!state.has(file)) visit(file);
    assert.deepEqual(circles, []);
  });

  it('resolves every relative import to a file', () => {
    const missing = [...graph].flatMap(([file, targets]) => targets.filter((t) => !graph.has(t)).map((t) => `${relative(root, file)} → ${relative(root, t)}`));
    assert.deepEqual(missing, []);
  });

  it('leaves the choice of driver to src/store: nothing else branches on it', () => {
    const branching = files.filter((file) => layerOf(file) !== 'store' && /\.driver\s*[!=]==/.test(readFileSync(file, 'utf8')));
    assert.deepEqual(branching.map((f) => relative(root, f)), []);
  });

  it(`keeps every file under ${MAX_LINES} lines`, () => {
    const long = files
      .map((file) => ({ file: relative(root, file), lines: readFileSync(file, 'utf8').split('\n').length }))
      .filter((f) => f.lines >= MAX_LINES);
    assert.deepEqual(long, []);
  });
});
