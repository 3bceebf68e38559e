/** The document family: `pdf/extract`, pdf.js (through unpdf) in this process. */
import { type JobSpec, type JobTypeDefinition, type JsonSchema, type OutputFile, defineJobSpec, defineJobType } from '../define.js';
import { type FileSource, checkFileSource, fileSourceSchema, readFileSource } from '../fileSource.js';
import { type PdfMetadata, extractPdf } from './extractText.js';

export type { ExtractedPdf, PdfMetadata } from './extractText.js';

/** PdfSettings are the limits of document jobs in one process. */
export interface PdfSettings {
  /** maxInputBytes refuses a larger source with `input_too_large`. */
  maxInputBytes: number;
  /** maxPages refuses a longer document with `input_too_large`. */
  maxPages: number;
  /** allowPrivateTargets mirrors LONGRUN_ALLOW_PRIVATE_TARGETS for source URLs. */
  allowPrivateTargets: boolean;
}

/** DEFAULT_PDF_LIMITS: a 50 MiB source of at most 2000 pages. */
export const DEFAULT_PDF_LIMITS = { maxInputBytes: 50 * 1024 * 1024, maxPages: 2000 } as const;

/** ExtractInput is `pdf/extract`'s input. */
export interface ExtractInput {
  source: FileSource;
  password?: string;
}

/** ExtractOutput is `pdf/extract`'s output: the files, the page count, the metadata and each page's length. */
export type ExtractOutput = {
  files: OutputFile[];
  pageCount: number;
  metadata: PdfMetadata;
  /** pages lists each page's number and how many characters of text it has (the text is in the files). */
  pages: { page: number; characters: number }[];
  characters: number;
};

const EXTRACT_INPUT_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['source'],
  properties: {
    source: fileSourceSchema('the PDF'),
    password: { type: 'string', minLength: 1, maxLength: 1024, description: 'The password of an encrypted PDF. Private: never echoed back.' },
  },
};

/** pdfExtractSpec is `pdf/extract` as the API knows it. */
export const pdfExtractSpec: JobSpec<ExtractInput> = defineJobSpec<ExtractInput>({
  type: 'pdf/extract',
  description: 'Extracts a PDF\'s text per page, page count and metadata, from a URL or an earlier job\'s file, as JSON and a text.md file.',
  inputSchema: EXTRACT_INPUT_SCHEMA,
  privateFields: ['password'],
  creditCost: 1,
  timeoutMs: 300_000,
  maxAttempts: 2,
  checkInput: (input, context) => checkFileSource(input.source, '/input/source', context),
});

/**
 * pdfJobTypes is `pdf/extract` with its handler: read the source (bounded in bytes), read each
 * page's text (bounded in pages), store `text.md` (every page under a `## Page n` heading) and
 * `pages.json` (`{ pageCount, metadata, pages: [{ page, text }] }`). Progress: 10 `Source read`,
 * then `Page n of m` up to 90, 95 `Stored`.
 */
export function pdfJobTypes(settings: PdfSettings): JobTypeDefinition<any, ExtractOutput>[] {
  return [
    defineJobType<ExtractInput, ExtractOutput>({
      ...pdfExtractSpec,
      async run(ctx) {
        const data = await readFileSource(ctx, ctx.input.source, { maxBytes: settings.maxInputBytes, allowPrivateTargets: settings.allowPrivateTargets, accept: 'application/pdf' });
        await ctx.progress(10, `Source read (${data.byteLength} bytes)`);
        const pdf = await extractPdf(data, {
          password: ctx.input.password,
          maxPages: settings.maxPages,
          signal: ctx.signal,
          onPage: (read, of) => ctx.progress(10 + Math.floor((80 * read) / of), `Page ${read} of ${of}`),
        });
        const markdown = pdf.pages.map((text, i) => `## Page ${i + 1}\n\n${text.trim()}\n`).join('\n');
        const pages = pdf.pages.map((text, i) => ({ page: i + 1, text }));
        const files = [
          await ctx.files.put('text.md', Buffer.from(markdown, 'utf8')),
          await ctx.files.put('pages.json', Buffer.from(JSON.stringify({ pageCount: pdf.pageCount, metadata: pdf.metadata, pages }), 'utf8')),
        ];
        await ctx.progress(95, 'Stored');
        return {
          files,
          pageCount: pdf.pageCount,
          metadata: pdf.metadata,
          pages: pages.map(({ page, text }) => ({ page, characters: text.length })),
          characters: pages.reduce((sum, { text }) => sum + text.length, 0),
        };
      },
    }),
  ];
}
