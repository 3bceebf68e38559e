// CJK text and emoji are drawn, not left as empty boxes: the bundled Chromium renders with the
// Noto fonts that come from npm (fonts.ts). A glyph is "drawn" when its pixels differ from those
// of a character no font has (the missing-glyph box), the three scripts differ from each other
// (boxes would all look alike), and the emoji has colour. Only with the bundled Chromium: a
// LONGRUN_CHROMIUM uses its own system's fonts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type RenderHarness, renderHarness } from '../helpers/render.js';
import { type Pixels, decodePng } from '../helpers/png.js';

let harness: RenderHarness;

before(async () => {
  harness = await renderHarness();
});
after(async () => {
  await harness.close();
});

// U+0378 is unassigned: no font has it, so Chromium draws its missing-glyph box.
const MISSING = '\u0378\u0378';

async function shot(text: string, font = 'sans-serif'): Promise<Pixels> {
  const html = `<body style="margin:0;background:#fff"><span style="font:48px ${font};line-height:64px">${text}</span></body>`;
  const run = await harness.run('html/image', { html, viewport: { width: 160, height: 64 } });
  return decodePng(run.files.get('image.png')!);
}

/** inked counts the pixels that are not white; coloured those whose channels differ by more than 60. */
function count(pixels: Pixels): { inked: number; coloured: number } {
  let inked = 0;
  let coloured = 0;
  for (let i = 0; i < pixels.rgba.length; i += 4) {
    const [r, g, b] = [pixels.rgba[i]!, pixels.rgba[i + 1]!, pixels.rgba[i + 2]!];
    if (r < 200 || g < 200 || b < 200) inked += 1;
    if (Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured += 1;
  }
  return { inked, coloured };
}

describe('fonts of the bundled Chromium', { skip: process.env.LONGRUN_CHROMIUM ? 'LONGRUN_CHROMIUM is set' : false }, () => {
  it('draws 漢字, かな and 한글 in sans-serif and serif, each unlike the missing-glyph box and unlike each other', async () => {
    for (const font of ['sans-serif', 'serif']) {
      const box = await shot(MISSING, font);
      const words = ['漢字', 'かな', '한글'];
      const shots = await Promise.all(words.map((word) => shot(word, font)));
      shots.forEach((pixels, i) => {
        assert.ok(count(pixels).inked > 100, `${font} ${words[i]}: something is drawn`);
        assert.notDeepEqual(pixels.rgba, box.rgba, `${font} ${words[i]}: not the missing-glyph box`);
      });
      assert.notDeepEqual(shots[0]!.rgba, shots[1]!.rgba, `${font}: 漢字 and かな look different`);
      assert.notDeepEqual(shots[1]!.rgba, shots[2]!.rgba, `${font}: かな and 한글 look different`);
    }
  });

  it('draws 😀 in colour', async () => {
    const { inked, coloured } = count(await shot('😀'));
    assert.ok(inked > 100, `something is drawn (${inked} pixels)`);
    assert.ok(coloured > 100, `the emoji has colour (${coloured} coloured pixels)`);
  });

  it('embeds Noto fonts for 漢字 かな 한글 😀 in a PDF', async () => {
    const run = await harness.run('html/pdf', { html: '<p style="font-size:24px">漢字 かな 한글 😀 Latin</p>' });
    const names = new Set([...run.files.get('document.pdf')!.toString('latin1').matchAll(/\/FontName \/[A-Z]{6}\+([A-Za-z-]+)/g)].map((m) => m[1]!.split('-')[0]));
    assert.ok(names.has('NotoSans'), `Latin in Noto Sans: ${[...names].join(', ')}`);
    assert.ok(['NotoSansSC', 'NotoSansTC', 'NotoSansJP'].some((name) => names.has(name)), `Han and kana in a Noto CJK font: ${[...names].join(', ')}`);
    assert.ok(names.has('NotoSansKR'), `Hangul in Noto Sans KR: ${[...names].join(', ')}`);
    assert.ok(names.has('NotoColorEmoji'), `the emoji in Noto Color Emoji: ${[...names].join(', ')}`);
  });
});
