// The render baseline: a bare Playwright loop on the same Chromium with the same launch flags as
// Longrun's browser pool (chromiumLaunchOptions), `concurrency` loops each doing newContext →
// newPage → setContent(html) → page.pdf() → close until `count` PDFs are printed. One render
// first, timed with the launch, is the cold start; the loops run after it.
import { chromium } from 'playwright-core';
import { chromiumLaunchOptions } from '../../src/jobtypes/render/browserPool.js';
import { childInput, exitWithParent, main, nowMs, report } from '../lib/child.js';

interface Input {
  html: string;
  concurrency: number;
  count: number;
  /** chromiumPath is LONGRUN_CHROMIUM when set; else the @sparticuz/chromium package's browser. */
  chromiumPath?: string;
  maxMs: number;
}

main(async () => {
  const input = childInput<Input>();
  exitWithParent(input.maxMs);
  const coldStarted = nowMs();
  // Playwright's own signal handlers close the browser if this process is stopped mid-run.
  const browser = await chromium.launch({ ...(await chromiumLaunchOptions(input.chromiumPath)), handleSIGINT: true, handleSIGTERM: true, handleSIGHUP: true });
  try {
    let bytes = 0;
    const render = async () => {
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        await page.setContent(input.html);
        const pdf = await page.pdf({ format: 'letter' });
        bytes = pdf.byteLength;
      } finally {
        await context.close();
      }
    };
    await render();
    const coldMs = nowMs() - coldStarted;
    let next = 0;
    const started = nowMs();
    const loop = async () => {
      while (next < input.count) {
        next++;
        await render();
      }
    };
    await Promise.all(Array.from({ length: input.concurrency }, loop));
    const seconds = (nowMs() - started) / 1000;
    report({ pdfsPerSec: input.count / seconds, seconds, coldMs, bytes });
  } finally {
    await browser.close();
  }
});
