/**
 * Reading a PDF with pdf.js (as unpdf bundles it for servers): its pages' text, in reading order
 * as pdf.js gives it, and its metadata. Nothing here renders; fonts and images are not decoded.
 */
import { getDocumentProxy, getMeta } from 'unpdf';
import { JobFailure } from '../define.js';

/** PdfMetadata is what the document says of itself (the Info dictionary); absent fields are null. */
export type PdfMetadata = {
  title: string | null;
  author: string | null;
  subject: string | null;
  keywords: string | null;
  creator: string | null;
  producer: string | null;
  /** creationDate and modificationDate are ISO 8601, or null when absent or unreadable. */
  creationDate: string | null;
  modificationDate: string | null;
  pdfVersion: string | null;
};

/** ExtractedPdf is a document's page count, metadata and the text of the pages read. */
export interface ExtractedPdf {
  pageCount: number;
  metadata: PdfMetadata;
  /** pages holds the text of pages 1 … n, one string each. */
  pages: string[];
}

/** PdfReadOptions: the password, the page limit, the attempt's signal and a report per page. */
export interface PdfReadOptions {
  password?: string;
  /** maxPages refuses a longer document with `input_too_large` before reading any page. */
  maxPages: number;
  /** onPage is called after each page with how many are read. */
  onPage(read: number, of: number): Promise<void>;
  signal: AbortSignal;
}

/**
 * extractPdf opens `data` and reads every page's text. Fails with `pdf_encrypted` (a password is
 * needed, or the one given is wrong), `pdf_invalid` (not a PDF pdf.js can read) or
 * `input_too_large` (more pages than maxPages); all final.
 */
export async function extractPdf(data: Uint8Array, options: PdfReadOptions): Promise<ExtractedPdf> {
  // pdf.js takes ownership of the buffer it is given (it may transfer it): give it a copy.
  const copy = new Uint8Array(data);
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    pdf = await getDocumentProxy(copy, { password: options.password, verbosity: 0, isEvalSupported: false, stopAtErrors: false });
  } catch (error) {
    throw openFailure(error);
  }
  try {
    if (pdf.numPages > options.maxPages) {
      throw new JobFailure('input_too_large', `The PDF has ${pdf.numPages} pages; the limit is ${options.maxPages}`, false);
    }
    const { info } = await getMeta(pdf, { parseDates: true });
    const pages: string[] = [];
    for (let number = 1; number <= pdf.numPages; number++) {
      if (options.signal.aborted) throw options.signal.reason;
      const page = await pdf.getPage(number);
      const content = await page.getTextContent();
      pages.push(content.items.map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : '')).join(''));
      page.cleanup();
      await options.onPage(number, pdf.numPages);
    }
    return { pageCount: pdf.numPages, metadata: metadataOf(info), pages };
  } finally {
    await pdf.destroy();
  }
}

function openFailure(error: unknown): JobFailure {
  const name = (error as Error | undefined)?.name ?? '';
  const message = (error instanceof Error ? error.message : String(error)).slice(0, 300);
  if (name === 'PasswordException') {
    return new JobFailure('pdf_encrypted', `The PDF is encrypted and ${message.toLowerCase().includes('incorrect') ? 'the password is wrong' : 'needs a password'} (give it as input.password)`, false);
  }
  return new JobFailure('pdf_invalid', `The source is not a PDF this server can read: ${message}`, false);
}

function metadataOf(info: Record<string, unknown>): PdfMetadata {
  const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value : null);
  const date = (value: unknown) => (value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString() : null);
  return {
    title: text(info.Title),
    author: text(info.Author),
    subject: text(info.Subject),
    keywords: text(info.Keywords),
    creator: text(info.Creator),
    producer: text(info.Producer),
    creationDate: date(info.CreationDate),
    modificationDate: date(info.ModDate),
    pdfVersion: text(info.PDFFormatVersion),
  };
}
