// pdf/extract on real pdf.js (unpdf): the source is a PDF that html/pdf rendered in the bundled
// Chromium from known text, served from 127.0.0.1; the extractor must give that text back, page
// by page, with the title. Encrypted and broken PDFs fail with their own codes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { JsonObject } from '../../src/domain/index.js';
import { type JobFailure, JobTypeRegistry } from '../../src/jobtypes/index.js';
import { DEFAULT_PDF_LIMITS, type PdfSettings, pdfJobTypes } from '../../src/jobtypes/pdf/index.js';
import { type LocalSite, type RenderRun, renderOnce, runDirectly, startSite, tempFileStore } from '../helpers/render.js';

const PAGES = ['The quick brown fox jumps over the lazy dog.', 'Zwölf Boxkämpfer jagen Viktor quer über den großen Sylter Deich.', 'Third page: 42 invoices, €1,234.56 due.'];
const HTML = `<title>Extraction sample</title>${PAGES.map((text, i) => `<p style="${i > 0 ? 'break-before: page' : ''}">${text}</p>`).join('')}`;

let site: LocalSite;
let pdf: Buffer;
let store: Awaited<ReturnType<typeof tempFileStore>>;

/** encryptedPdf is a one-page PDF whose /Encrypt dictionary's user key matches no password: opening it needs one. */
function encryptedPdf(): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>',
    `<< /Filter /Standard /V 1 /R 2 /O <${'ab'.repeat(32)}> /U <${'cd'.repeat(32)}> /P -4 >>`,
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Encrypt 4 0 R /ID [<${'01'.repeat(16)}> <${'01'.repeat(16)}>] >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

before(async () => {
  pdf = await renderOnce('html/pdf', { html: HTML }, 'document.pdf');
  store = await tempFileStore();
  site = await startSite((request, response) => {
    if (request.url === '/doc.pdf') response.writeHead(200, { 'content-type': 'application/pdf' }).end(pdf);
    else if (request.url === '/locked.pdf') response.writeHead(200, { 'content-type': 'application/pdf' }).end(encryptedPdf());
    else if (request.url === '/broken.pdf') response.writeHead(200, { 'content-type': 'application/pdf' }).end(pdf.subarray(0, 200));
    else if (request.url === '/page.html') response.writeHead(200, { 'content-type': 'text/html' }).end(HTML);
    else response.writeHead(404).end();
  });
});
after(async () => {
  await site.close();
  await store.remove();
});

function extract(input: JsonObject, settings: Partial<PdfSettings> = {}): Promise<RenderRun> {
  const registry = new JobTypeRegistry(pdfJobTypes({ ...DEFAULT_PDF_LIMITS, allowPrivateTargets: true, ...settings }));
  return runDirectly({ registry, files: store.files }, 'pdf/extract', { source: `${site.origin}/doc.pdf`, ...input });
}

function failsWith(code: string, pattern?: RegExp) {
  return (error: JobFailure) => {
    assert.equal(error.code, code, error.message);
    assert.equal(error.retryable, false);
    if (pattern) assert.match(error.message, pattern);
    return true;
  };
}

describe('pdf/extract', () => {
  it('returns the text the PDF was rendered from, page by page, with its page count and title', async () => {
    const run = await extract({});
    assert.equal(run.output.pageCount, 3);
    assert.equal(run.output.metadata.title, 'Extraction sample');
    assert.match(run.output.metadata.creationDate, /^\d{4}-\d\d-\d\dT/);
    const pages = JSON.parse(run.files.get('pages.json')!.toString('utf8'));
    assert.deepEqual(pages.pages.map((p: { text: string }) => p.text.trim()), PAGES);
    assert.deepEqual(run.output.pages, pages.pages.map((p: { page: number; text: string }) => ({ page: p.page, characters: p.text.length })));
    const markdown = run.files.get('text.md')!.toString('utf8');
    assert.equal(markdown, PAGES.map((text, i) => `## Page ${i + 1}\n\n${text}\n`).join('\n'));
    assert.equal(run.output.files[0].contentType, 'text/markdown; charset=utf-8');
    assert.deepEqual(run.progress, [`Source read (${pdf.length} bytes)`, 'Page 1 of 3', 'Page 2 of 3', 'Page 3 of 3', 'Stored']);
  });

  it('fails pdf_encrypted on a PDF that needs a password, and says when the one given is wrong', async () => {
    await assert.rejects(extract({ source: `${site.origin}/locked.pdf` }), failsWith('pdf_encrypted', /needs a password/));
    await assert.rejects(extract({ source: `${site.origin}/locked.pdf`, password: 'guess' }), failsWith('pdf_encrypted', /password is wrong/));
  });

  it('fails pdf_invalid on a truncated PDF and on bytes that are no PDF', async () => {
    await assert.rejects(extract({ source: `${site.origin}/broken.pdf` }), failsWith('pdf_invalid'));
    await assert.rejects(extract({ source: `${site.origin}/page.html` }), failsWith('pdf_invalid'));
  });

  it('fails input_too_large on more pages or bytes than the limits', async () => {
    await assert.rejects(extract({}, { maxPages: 2 }), failsWith('input_too_large', /3 pages; the limit is 2/));
    await assert.rejects(extract({}, { maxInputBytes: 100 }), failsWith('input_too_large'));
  });
});
