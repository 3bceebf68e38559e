import sharp from 'sharp';
import { JobFailure } from '../define.js';
import { IMAGE_FORMATS, type ImageFormat, type TransformInput } from './inputSchema.js';

/** Transformed is the encoded result and its facts, read back from what sharp wrote. */
export interface Transformed {
  data: Buffer;
  format: ImageFormat;
  width: number;
  height: number;
}

/** IMAGE_FILE_EXTENSIONS name the output file of each format. */
export const IMAGE_FILE_EXTENSIONS: Record<ImageFormat, string> = { png: 'png', jpeg: 'jpg', webp: 'webp', avif: 'avif' };

// sharp's names for where `cover` and `contain` anchor; entropy and attention are its strategies.
const SHARP_POSITIONS: Record<TransformInput['position'], string> = {
  center: 'centre',
  top: 'top',
  right: 'right',
  bottom: 'bottom',
  left: 'left',
  'top-left': 'left top',
  'top-right': 'right top',
  'bottom-left': 'left bottom',
  'bottom-right': 'right bottom',
  entropy: 'entropy',
  attention: 'attention',
};

const DEFAULT_QUALITY: Record<Exclude<ImageFormat, 'png'>, number> = { jpeg: 80, webp: 80, avif: 50 };

/**
 * transformImage reads `source` (refusing more than `maxInputPixels` before decoding it), turns it
 * upright by its EXIF orientation, then crops, rotates, resizes and encodes it as the input asks.
 * Fails with `image_unreadable` (not an image libvips reads), `input_too_large` (over the pixel
 * limit) or `invalid_crop` (a region outside the image); all final.
 */
export async function transformImage(source: Uint8Array, input: TransformInput, limits: { maxInputPixels: number }): Promise<Transformed> {
  const open = () => sharp(source, { limitInputPixels: limits.maxInputPixels, failOn: 'error' });
  let meta: sharp.Metadata;
  try {
    // The header alone, without the pixel limit, so the limit is judged below with its own code.
    meta = await sharp(source, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new JobFailure('image_unreadable', `The source is not an image this server reads: ${(error as Error).message}`, false);
  }
  const pixels = (meta.width ?? 0) * (meta.height ?? 0) * Math.max(1, meta.pages ?? 1);
  if (pixels > limits.maxInputPixels) {
    throw new JobFailure('input_too_large', `The source is ${meta.width} × ${meta.height} pixels; the limit is ${limits.maxInputPixels} pixels`, false);
  }
  const upright = meta.autoOrient ?? { width: meta.width ?? 0, height: meta.height ?? 0 };
  const format = input.format ?? sourceFormat(meta);
  let pipeline = open().autoOrient();
  if (input.crop) {
    const { left, top, width, height } = input.crop;
    if (left + width > upright.width || top + height > upright.height) {
      throw new JobFailure('invalid_crop', `The crop ${width} × ${height} at (${left}, ${top}) does not fit in the ${upright.width} × ${upright.height} image`, false);
    }
    pipeline = pipeline.extract(input.crop);
  }
  if (input.rotate % 360 !== 0) pipeline = pipeline.rotate(input.rotate, { background: input.background });
  if (input.width !== undefined || input.height !== undefined) {
    pipeline = pipeline.resize({
      width: input.width,
      height: input.height,
      fit: input.fit,
      position: SHARP_POSITIONS[input.position],
      background: input.background,
      withoutEnlargement: input.withoutEnlargement,
    });
  }
  pipeline = encode(pipeline, format, input.quality);
  try {
    const { data, info } = await pipeline.toBuffer({ resolveWithObject: true });
    return { data, format, width: info.width, height: info.height };
  } catch (error) {
    throw new JobFailure('image_unreadable', `The source could not be transformed: ${(error as Error).message}`, false);
  }
}

function encode(pipeline: sharp.Sharp, format: ImageFormat, quality: number | undefined): sharp.Sharp {
  if (format === 'png') return pipeline.png();
  const q = quality ?? DEFAULT_QUALITY[format];
  if (format === 'jpeg') return pipeline.jpeg({ quality: q, mozjpeg: true });
  if (format === 'webp') return pipeline.webp({ quality: q });
  return pipeline.avif({ quality: q });
}

/** sourceFormat keeps the source's format when we write it (sharp calls AVIF HEIF with AV1 inside), else png. */
function sourceFormat(meta: sharp.Metadata): ImageFormat {
  if (meta.format === 'heif') return meta.compression === 'av1' ? 'avif' : 'png';
  return (IMAGE_FORMATS as readonly string[]).includes(meta.format ?? '') ? (meta.format as ImageFormat) : 'png';
}
