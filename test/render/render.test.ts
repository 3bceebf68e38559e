// The six render job types on a real Chromium (the one in the @sparticuz/chromium npm package,
// or LONGRUN_CHROMIUM): PDF magic and page count, image magic and pixel size, templates filled
// with their data, and the limits. One browser serves the whole file.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { JobFailure } from '../../src/jobtypes/index.js';
import { imageInfo, isPdf, pdfPageCount } from '../../src/jobtypes/render/index.js';
import { type LocalSite, type RenderHarness, renderHarness, startSite } from '../helpers/render.js';

const THREE_PAGES = '<title>Three</title><p>one</p><p style="break-before: page">two</p><p style="break-before: page">three</p>';

let harness: RenderHarness;
let site: LocalSite;

before(async () => {
  harness = await renderHarness({ settings: { chromiumPath: process.env.LONGRUN_CHROMIUM } });
  site = await startSite((request, response) => {
    if (request.url === '/logo.svg') {
      response.writeHead(200, { 'content-type': 'image/svg+xml' }).end('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html' }).end(`<title>From the site</title><img src="/logo.svg">${THREE_PAGES}`);
  });
});
after(async () => {
  await harness.close();
  await site.close();
});

function pdfTitle(pdf: Buffer): string | undefined {
  return /\/Title \(([^)]*)\)/.exec(pdf.toString('latin1'))?.[1];
}

describe('PDF types', () => {
  it('renders html/pdf: a PDF with one page per page break, and the real phases as progress', async () => {
    const run = await harness.run('html/pdf', { html: THREE_PAGES });
    const pdf = run.files.get('document.pdf')!;
    assert.ok(isPdf(pdf));
    assert.equal(pdfPageCount(pdf), 3);
    assert.equal(run.output.pages, 3);
    assert.deepEqual(run.output.files, [
      { name: 'document.pdf', contentType: 'application/pdf', size: pdf.length, url: run.output.files[0].url },
    ]);
    assert.match(run.output.files[0].url, /^\/v1\/jobs\/job_[0-9A-Z]{26}\/files\/document\.pdf$/);
    assert.deepEqual(run.progress, ['Browser ready', 'Page loaded', 'Rendered', 'Stored']);
  });

  it('honours pageRanges, landscape, format and margins', async () => {
    const run = await harness.run('html/pdf', { html: THREE_PAGES, pageRanges: '2-3', landscape: true, format: 'a5', margin: { top: '1cm', left: 20 } });
    assert.equal(pdfPageCount(run.files.get('document.pdf')!), 2);
    // A5 landscape is 210 mm × 148 mm: 595 × 420 points.
    const box = /\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/.exec(run.files.get('document.pdf')!.toString('latin1'));
    assert.ok(box, 'the PDF has a media box');
    assert.ok(Math.abs(Number(box[1]) - 595) < 2, `width ${box[1]}`);
    assert.ok(Math.abs(Number(box[2]) - 420) < 2, `height ${box[2]}`);
  });

  it('takes the paper size in Playwright\'s and Puppeteer\'s spellings: A4, Letter, LETTER', async () => {
    const sizes: [string, number, number][] = [['A4', 595, 842], ['a4', 595, 842], ['Letter', 612, 792], ['LETTER', 612, 792]];
    for (const [format, width, height] of sizes) {
      const pdf = (await harness.run('html/pdf', { html: '<p>x</p>', format })).files.get('document.pdf')!;
      const box = /\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/.exec(pdf.toString('latin1'));
      assert.ok(box, `${format}: the PDF has a media box`);
      assert.ok(Math.abs(Number(box[1]) - width) < 2 && Math.abs(Number(box[2]) - height) < 2, `${format}: ${box[1]} × ${box[2]}`);
    }
  });

  it('renders url/pdf from a page that loads its own images', async () => {
    const run = await harness.run('url/pdf', { url: `${site.origin}/doc`, headerTemplate: '<span class="pageNumber"></span>' });
    assert.equal(pdfTitle(run.files.get('document.pdf')!), 'From the site');
    assert.equal(run.output.pages, 3);
    assert.ok(site.requests.includes('/logo.svg'), 'the image came through the guarded proxy');
  });

  it('renders template/pdf with the data filled in and HTML-escaped', async () => {
    const run = await harness.run('template/pdf', {
      template: '<title>Invoice {{number}} for {{customer}}</title>{{#lines}}<p>{{.}}</p>{{/lines}}',
      data: { number: 42, customer: '<b>Ann</b>', lines: ['a', 'b'] },
    });
    // Escaped, the tags stay text, so the title reads them back; unescaped they would vanish.
    assert.equal(pdfTitle(run.files.get('document.pdf')!), 'Invoice 42 for <b>Ann</b>');
  });

  it('refuses a PDF over the page limit with output_too_large, not retryable', async () => {
    const strict = await renderHarness({ settings: { maxPdfPages: 2, chromiumPath: process.env.LONGRUN_CHROMIUM } });
    try {
      await assert.rejects(strict.run('html/pdf', { html: THREE_PAGES }), (error: JobFailure) => {
        assert.equal(error.code, 'output_too_large');
        assert.equal(error.retryable, false);
        return true;
      });
    } finally {
      await strict.close();
    }
  });
});

describe('image types', () => {
  it('renders html/image as a PNG of the viewport times the device scale factor', async () => {
    const run = await harness.run('html/image', { html: '<p>hi</p>', viewport: { width: 400, height: 300, deviceScaleFactor: 2 } });
    const png = run.files.get('image.png')!;
    assert.deepEqual(png.subarray(0, 8), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    assert.deepEqual(imageInfo(png), { type: 'png', width: 800, height: 600 });
    assert.equal(run.output.width, 800);
    assert.equal(run.output.height, 600);
  });

  it('renders a JPEG and a WebP with their own magic and size', async () => {
    const jpeg = (await harness.run('html/image', { html: '<p>hi</p>', imageType: 'jpeg', quality: 50, viewport: { width: 320, height: 200 } })).files.get('image.jpg')!;
    assert.deepEqual([...jpeg.subarray(0, 3)], [0xff, 0xd8, 0xff]);
    assert.deepEqual(imageInfo(jpeg), { type: 'jpeg', width: 320, height: 200 });
    const webp = (await harness.run('html/image', { html: '<p>hi</p>', imageType: 'webp', viewport: { width: 321, height: 123 } })).files.get('image.webp')!;
    assert.equal(webp.toString('latin1', 8, 12), 'WEBP');
    assert.deepEqual(imageInfo(webp), { type: 'webp', width: 321, height: 123 });
  });

  it('shoots the full page, a clip, or one element', async () => {
    const tall = '<style>body{margin:0}</style><div style="height:1500px">tall</div>';
    const full = await harness.run('html/image', { html: tall, fullPage: true, viewport: { width: 200, height: 100 } });
    assert.deepEqual([full.output.width, full.output.height], [200, 1500]);
    const clip = await harness.run('html/image', { html: tall, clip: { x: 10, y: 20, width: 50, height: 40 } });
    assert.deepEqual([clip.output.width, clip.output.height], [50, 40]);
    const element = await harness.run('html/image', { html: '<div id="box" style="width:77px;height:33px;background:red"></div>', selector: '#box' });
    assert.deepEqual([element.output.width, element.output.height], [77, 33]);
  });

  it('renders url/image from a local page', async () => {
    const run = await harness.run('url/image', { url: `${site.origin}/`, viewport: { width: 500, height: 400 } });
    assert.deepEqual(imageInfo(run.files.get('image.png')!), { type: 'png', width: 500, height: 400 });
  });

  it('renders template/image: the data sizes the element the selector shoots', async () => {
    const run = await harness.run('template/image', {
      template: '<div id="card" style="width:{{w}}px;height:{{h}}px;background:#09c">{{name}}</div>',
      data: { w: 123, h: 45, name: 'Ann' },
      selector: '#card',
    });
    assert.deepEqual(imageInfo(run.files.get('image.png')!), { type: 'png', width: 123, height: 45 });
  });

  it('refuses an image over the byte limit with output_too_large', async () => {
    const strict = await renderHarness({ settings: { maxOutputBytes: 1024, chromiumPath: process.env.LONGRUN_CHROMIUM } });
    try {
      const noisy = '<canvas id=c width=400 height=400></canvas><script>const x=c.getContext("2d");for(let i=0;i<4000;i++){x.fillStyle=`hsl(${i*37%360},90%,50%)`;x.fillRect(i*7%400,i*13%400,9,9)}</script>';
      await assert.rejects(strict.run('html/image', { html: noisy }), { code: 'output_too_large' });
    } finally {
      await strict.close();
    }
  });
});
