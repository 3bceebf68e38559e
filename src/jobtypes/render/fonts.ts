/**
 * The fonts the bundled Chromium renders with, so a PDF or image shows CJK text and emoji rather
 * than empty boxes on any machine, whatever it has installed: Noto Sans and Noto Serif (Latin,
 * Greek, Cyrillic, Vietnamese, Devanagari), Noto Sans SC, TC, JP and KR, and Noto Color Emoji.
 *
 * They come from npm packages as WOFF2 (the `@fontsource-variable/*` packages and
 * `@infolektuell/noto-color-emoji`): the npm packages that carry them as TTF or OTF ship every
 * weight separately, 25–180 MB per CJK family, where these hold one variable font split by
 * Unicode range in 2–6 MB. The bundled Chromium's fontconfig does not read WOFF2 (tried: its
 * FreeType has no Brotli), so they are decoded to TTF (`wawoff2`) once, beside the unpacked
 * browser, and a `fonts.conf` of ours adds them to the system's fonts (`FONTCONFIG_FILE`).
 */
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
// The decoder is Google's woff2 compiled to WebAssembly; it ships no types.
const decompress = require('wawoff2/decompress.js') as (woff2: Uint8Array) => Promise<Uint8Array>;

// Each package's files/ folder, and which of its files we take: the variable-weight fonts (not
// the width axis or its "standard" copy), upright and italic where there is one.
const FONT_PACKAGES: { name: string; files: RegExp }[] = [
  { name: '@fontsource-variable/noto-sans', files: /-wght-(normal|italic)\.woff2$/ },
  { name: '@fontsource-variable/noto-serif', files: /-wght-(normal|italic)\.woff2$/ },
  { name: '@fontsource-variable/noto-sans-sc', files: /-wght-normal\.woff2$/ },
  { name: '@fontsource-variable/noto-sans-tc', files: /-wght-normal\.woff2$/ },
  { name: '@fontsource-variable/noto-sans-jp', files: /-wght-normal\.woff2$/ },
  { name: '@fontsource-variable/noto-sans-kr', files: /-wght-normal\.woff2$/ },
  { name: '@infolektuell/noto-color-emoji', files: /\.woff2$/ },
];

// Generic families, most wanted first. Before the system's own choice (DejaVu, say), so text
// looks the same on every machine and emoji are in colour (DejaVu has a few, in black).
const CJK = ['Noto Sans SC', 'Noto Sans TC', 'Noto Sans JP', 'Noto Sans KR'];
const GENERIC: Record<string, string[]> = {
  'sans-serif': ['Noto Sans', ...CJK, 'Noto Color Emoji'],
  serif: ['Noto Serif', ...CJK, 'Noto Color Emoji'],
  'system-ui': ['Noto Sans', ...CJK, 'Noto Color Emoji'],
  emoji: ['Noto Color Emoji'],
};

/**
 * installFonts decodes the fonts into `staging/fonts` and writes `staging/fonts.conf`, which names
 * them where they will be: `dir`, the name the staging directory is renamed to (so the fonts
 * appear with the browser, whole).
 */
export async function installFonts(staging: string, dir: string): Promise<void> {
  const fonts = join(staging, 'fonts');
  await mkdir(fonts);
  for (const pkg of FONT_PACKAGES) {
    const files = join(dirname(require.resolve(`${pkg.name}/package.json`)), 'files');
    const prefix = pkg.name.replace(/^@/, '').replace(/\//g, '-');
    for (const file of (await readdir(files)).filter((name) => pkg.files.test(name)).sort()) {
      const ttf = await decompress(await readFile(join(files, file)));
      await writeFile(join(fonts, `${prefix}-${file.replace(/\.woff2$/, '.ttf')}`), ttf);
      // Decoding is synchronous WebAssembly: give the event loop a turn between files, so a
      // server's requests and heartbeats wait milliseconds, not the whole unpack.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  await writeFile(join(staging, 'fonts.conf'), fontsConf(join(dir, 'fonts'), join(dir, 'fontconfig-cache')));
}

/** fontsEnv is the environment that makes a Chromium unpacked in `dir` use these fonts. */
export function fontsEnv(dir: string): Record<string, string> {
  return { FONTCONFIG_FILE: join(dir, 'fonts.conf') };
}

function fontsConf(fonts: string, cache: string): string {
  const aliases = Object.entries(GENERIC).map(
    ([generic, families]) =>
      `  <alias binding="strong"><family>${generic}</family><prefer>${families.map((f) => `<family>${f}</family>`).join('')}</prefer></alias>`,
  );
  return [
    '<?xml version="1.0"?>',
    '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">',
    '<fontconfig>',
    // The system's fonts and rules first: a page that names an installed font still gets it.
    '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>',
    `  <dir>${xml(fonts)}</dir>`,
    `  <cachedir>${xml(cache)}</cachedir>`,
    ...aliases,
    '</fontconfig>',
    '',
  ].join('\n');
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
