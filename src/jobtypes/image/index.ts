/** The image family: `image/transform`, sharp (libvips) in this process. */
import type { FieldProblem } from '../../domain/index.js';
import { type JobSpec, type JobTypeDefinition, defineJobSpec, defineJobType } from '../define.js';
import { checkFileSource, readFileSource } from '../fileSource.js';
import { TRANSFORM_INPUT_SCHEMA, type TransformInput } from './inputSchema.js';
import { IMAGE_FILE_EXTENSIONS, transformImage } from './transform.js';

export { IMAGE_FORMATS, type ImageFormat, type TransformInput } from './inputSchema.js';

/** ImageSettings are the limits of image jobs in one process. */
export interface ImageSettings {
  /** maxInputBytes refuses a larger source (download or earlier job's file) with `input_too_large`. */
  maxInputBytes: number;
  /** maxInputPixels refuses a source with more pixels (width × height × frames) with `input_too_large`, before decoding it. */
  maxInputPixels: number;
  /** allowPrivateTargets mirrors LONGRUN_ALLOW_PRIVATE_TARGETS for source URLs. */
  allowPrivateTargets: boolean;
}

/** DEFAULT_IMAGE_LIMITS: a 50 MiB source of at most 100 megapixels (10000 × 10000). */
export const DEFAULT_IMAGE_LIMITS = { maxInputBytes: 50 * 1024 * 1024, maxInputPixels: 100_000_000 } as const;

/** TransformOutput is `image/transform`'s output: its file, and the result's format, size in pixels and bytes. */
export type TransformOutput = {
  files: { name: string; url: string; contentType: string; size: number }[];
  format: string;
  width: number;
  height: number;
  bytes: number;
};

/** IMAGE_ACCEPT is what a download of an image source asks for (image/transform, a slideshow's image frames). */
export const IMAGE_ACCEPT = 'image/avif,image/webp,image/png,image/jpeg,image/gif,image/tiff,image/svg+xml;q=0.9,*/*;q=0.5';

/** imageTransformSpec is `image/transform` as the API knows it: no sharp needed to accept its jobs. */
export const imageTransformSpec: JobSpec<TransformInput> = defineJobSpec<TransformInput>({
  type: 'image/transform',
  description: 'Crops, rotates, resizes (cover, contain, fill, inside, outside) and converts an image to PNG, JPEG, WebP or AVIF, from a URL or an earlier job\'s file.',
  inputSchema: TRANSFORM_INPUT_SCHEMA,
  creditCost: 1,
  timeoutMs: 120_000,
  maxAttempts: 2,
  checkInput: async (input, context) => {
    const problems: FieldProblem[] = await checkFileSource(input.source, '/input/source', context);
    if (input.quality !== undefined && input.format === 'png') problems.push({ path: '/input/quality', message: 'applies to jpeg, webp and avif only' });
    return problems;
  },
});

/**
 * imageJobTypes is `image/transform` with its handler: read the source (bounded in bytes), transform
 * it (bounded in pixels), store `image.<ext>`. Progress: 20 `Source read`, 80 `Transformed`, 95 `Stored`.
 */
export function imageJobTypes(settings: ImageSettings): JobTypeDefinition<any, TransformOutput>[] {
  return [
    defineJobType<TransformInput, TransformOutput>({
      ...imageTransformSpec,
      async run(ctx) {
        const source = await readFileSource(ctx, ctx.input.source, { maxBytes: settings.maxInputBytes, allowPrivateTargets: settings.allowPrivateTargets, accept: IMAGE_ACCEPT });
        await ctx.progress(20, `Source read (${source.byteLength} bytes)`);
        const result = await transformImage(source, ctx.input, settings);
        await ctx.progress(80, 'Transformed');
        const file = await ctx.files.put(`image.${IMAGE_FILE_EXTENSIONS[result.format]}`, result.data);
        await ctx.progress(95, 'Stored');
        return { files: [file], format: result.format, width: result.width, height: result.height, bytes: file.size };
      },
    }),
  ];
}
