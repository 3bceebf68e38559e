/**
 * The Chromium inside the `@sparticuz/chromium` npm package, unpacked on first use into the temp
 * dir, once per package version, and shared by every Longrun process on the machine.
 *
 * The package's own `executablePath()` writes `$TMPDIR/chromium` in place and returns the path as
 * soon as the file exists, so a second process that starts while the first is still writing runs
 * a half-written file and fails with `spawn ETXTBSY`. Here each process unpacks into a staging
 * directory of its own and renames it into place: a directory rename is atomic, so the final name
 * either does not exist or holds a complete browser. A process that loses the rename (another won
 * while it unpacked) throws its copy away and uses the winner's. No lock, so a process killed
 * mid-unpack leaves nothing behind but its staging directory, which nobody else uses and a later
 * process removes.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { access, mkdtemp, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { extract as extractTar } from 'tar-fs';
import { createBrotliDecompress } from 'node:zlib';
import { fontsEnv, installFonts } from './fonts.js';

/** BundledChromium is an unpacked browser: the executable and the environment to run it with (its fonts). */
export interface BundledChromium {
  executablePath: string;
  env: Record<string, string>;
}

// Bumped whenever what we put in the directory changes, so an older layout is never reused.
const LAYOUT = 2;

// An unpack takes seconds; a staging directory this old belongs to a process that died.
const STALE_STAGING_MS = 10 * 60_000;

const unpacking = new Map<string, Promise<BundledChromium>>();

/**
 * unpackBundledChromium returns the unpacked browser, unpacking it first if no process has yet
 * (into `tempDir`, default the temp dir). Concurrent calls in one process share one unpack; a
 * failed unpack is not remembered, so the next call tries again.
 */
export function unpackBundledChromium(tempDir: string = tmpdir()): Promise<BundledChromium> {
  const packageDir = chromiumPackageDir();
  let pending = unpacking.get(tempDir);
  if (!pending) {
    pending = unpackOnce(packageDir, tempDir);
    unpacking.set(tempDir, pending);
    pending.catch(() => unpacking.delete(tempDir));
  }
  return pending;
}

async function unpackOnce(packageDir: string, tempDir: string): Promise<BundledChromium> {
  const { version } = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as { version: string };
  const target = join(tempDir, `longrun-chromium-${version}-${LAYOUT}`);
  await removeStaleStaging(target);
  if (!(await exists(join(target, 'chromium')))) {
    const staging = await mkdtemp(`${target}.partial-`);
    try {
      await unpackInto(join(packageDir, 'bin'), staging, target);
      await rename(staging, target);
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      // ENOTEMPTY or EEXIST: another process renamed its complete copy into place first.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
    }
  }
  return { executablePath: join(target, 'chromium'), env: fontsEnv(target) };
}

// The browser sits beside the SwiftShader libraries it loads from its own directory, and the
// fonts it renders with (fonts.ts).
async function unpackInto(bin: string, dir: string, finalDir: string): Promise<void> {
  const executable = pipeline(createReadStream(join(bin, 'chromium.br')), createBrotliDecompress(), createWriteStream(join(dir, 'chromium'), { mode: 0o755 }));
  // tar-fs refuses entries that would land outside `dir` (absolute paths, `..`, links out).
  const libraries = pipeline(createReadStream(join(bin, 'swiftshader.tar.br')), createBrotliDecompress(), extractTar(dir));
  await Promise.all([executable, libraries, installFonts(dir, finalDir)]);
}

/** removeStaleStaging deletes staging directories of `target` left by processes killed mid-unpack (some 250 MB each). */
async function removeStaleStaging(target: string): Promise<void> {
  const prefix = `${basename(target)}.partial-`;
  const names = (await readdir(dirname(target))).filter((name) => name.startsWith(prefix));
  for (const name of names) {
    const path = join(dirname(target), name);
    const modified = await stat(path).then((s) => s.mtimeMs, () => null);
    if (modified !== null && Date.now() - modified > STALE_STAGING_MS) await rm(path, { recursive: true, force: true });
  }
}

/** chromiumPackageDir is where `@sparticuz/chromium` is installed (its `bin/` holds the archives). */
function chromiumPackageDir(): string {
  // The package exports only its entry (build/{cjs,esm}/…), two levels below its root.
  return dirname(dirname(dirname(createRequire(import.meta.url).resolve('@sparticuz/chromium'))));
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
