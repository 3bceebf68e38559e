import type { Page } from 'playwright-core';
import type { PdfInput } from './inputSchema.js';

/** printPdf prints the loaded page with the job's paper, margins, scale, ranges, header and footer. */
export async function printPdf(page: Page, input: PdfInput): Promise<Uint8Array> {
  const sized = input.width !== undefined || input.height !== undefined;
  const headerFooter = input.headerTemplate !== undefined || input.footerTemplate !== undefined;
  return page.pdf({
    format: sized ? undefined : (input.format?.toLowerCase() ?? 'letter'),
    width: cssLength(input.width),
    height: cssLength(input.height),
    landscape: input.landscape,
    margin: input.margin && {
      top: cssLength(input.margin.top),
      right: cssLength(input.margin.right),
      bottom: cssLength(input.margin.bottom),
      left: cssLength(input.margin.left),
    },
    printBackground: input.printBackground,
    scale: input.scale,
    pageRanges: input.pageRanges,
    preferCSSPageSize: input.preferCSSPageSize,
    displayHeaderFooter: headerFooter,
    // With one of the two given, Chromium would print its own default (date, title, URL) as
    // the other; an empty element prints nothing instead.
    headerTemplate: headerFooter ? (input.headerTemplate ?? '<span></span>') : undefined,
    footerTemplate: headerFooter ? (input.footerTemplate ?? '<span></span>') : undefined,
  });
}

/** cssLength turns a bare number into pixels, as the schema documents. */
function cssLength(value: string | number | undefined): string | undefined {
  return typeof value === 'number' ? `${value}px` : value;
}
