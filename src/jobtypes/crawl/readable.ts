/**
 * A page's readable text as Markdown: Mozilla's Readability (Firefox's reader view) picks the
 * main content out of the page's HTML, parsed in Node by linkedom (never in the page, whose own
 * scripts could interfere), and Turndown writes it as Markdown. A page Readability finds no
 * article in falls back to its whole body.
 */
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import TurndownService from 'turndown';

const turndown = new TurndownService({ headingStyle: 'atx', codeBlockStyle: 'fenced', bulletListMarker: '-' });
// Scripts, styles and forms carry no readable text.
turndown.remove(['script', 'style', 'noscript', 'template', 'iframe', 'form']);

/** readableMarkdown turns a page's HTML into the Markdown of its main content, trimmed. */
export function readableMarkdown(html: string): string {
  const { document } = parseHTML(html);
  let content: string | null | undefined;
  try {
    content = new Readability(document as unknown as ConstructorParameters<typeof Readability>[0], { charThreshold: 100 }).parse()?.content;
  } catch {
    content = null; // a page Readability cannot take apart still has a body
  }
  const source = content ?? parseHTML(html).document.body?.innerHTML ?? '';
  return turndown.turndown(source).trim();
}
