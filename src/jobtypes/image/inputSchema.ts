/**
 * The input schema of `image/transform`: one source image, then what is done to it in this
 * order: crop, rotate, resize, encode. Each field carries a description: `/v1/job-types` and
 * docs/api.md show them to clients.
 */
import { PATTERN_MESSAGE } from '../../domain/index.js';
import type { JsonSchema } from '../define.js';
import { type FileSource, fileSourceSchema } from '../fileSource.js';

/** IMAGE_FORMATS are the formats `image/transform` writes. */
export const IMAGE_FORMATS = ['png', 'jpeg', 'webp', 'avif'] as const;
/** ImageFormat is one of IMAGE_FORMATS. */
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

/** FIT_MODES are sharp's (and CSS object-fit's) ways to fit an image into width × height. */
export const FIT_MODES = ['cover', 'contain', 'fill', 'inside', 'outside'] as const;

/** POSITIONS are where `cover` and `contain` anchor the image, or a strategy that picks (`entropy`, `attention`). */
export const POSITIONS = ['center', 'top', 'right', 'bottom', 'left', 'top-left', 'top-right', 'bottom-left', 'bottom-right', 'entropy', 'attention'] as const;

/** TransformInput is `image/transform`'s input with the schema's defaults applied. */
export interface TransformInput {
  source: FileSource;
  crop?: { left: number; top: number; width: number; height: number };
  rotate: number;
  width?: number;
  height?: number;
  fit: (typeof FIT_MODES)[number];
  position: (typeof POSITIONS)[number];
  withoutEnlargement: boolean;
  background: string;
  format?: ImageFormat;
  quality?: number;
}

const SIDE = { type: 'integer', minimum: 1, maximum: 16384 };

/** TRANSFORM_INPUT_SCHEMA is `image/transform`'s input. */
export const TRANSFORM_INPUT_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['source'],
  properties: {
    source: fileSourceSchema('the image (PNG, JPEG, WebP, AVIF, GIF, TIFF or SVG)'),
    crop: {
      type: 'object',
      additionalProperties: false,
      required: ['left', 'top', 'width', 'height'],
      properties: {
        left: { type: 'integer', minimum: 0, maximum: 1_000_000, description: 'Pixels from the left edge.' },
        top: { type: 'integer', minimum: 0, maximum: 1_000_000, description: 'Pixels from the top edge.' },
        width: { ...SIDE, description: 'Width of the region, in pixels.' },
        height: { ...SIDE, description: 'Height of the region, in pixels.' },
      },
      description: 'Cut this region out of the source (after turning it upright by its EXIF orientation), before rotating and resizing. It must lie inside the image, else the job fails with `invalid_crop`.',
    },
    rotate: {
      type: 'integer',
      minimum: -360,
      maximum: 360,
      default: 0,
      description: 'Degrees clockwise. Multiples of 90 are lossless; other angles grow the canvas and fill the corners with `background`.',
    },
    width: { ...SIDE, description: 'Width of the result in pixels. With height, the image is fitted by `fit`; alone, the height follows the aspect ratio.' },
    height: { ...SIDE, description: 'Height of the result in pixels; see width.' },
    fit: {
      enum: FIT_MODES,
      default: 'cover',
      description:
        'How to fit width × height: cover (fill it, cropping the overflow), contain (fit inside, letterboxed with `background`), fill (stretch), inside (fit inside, keeping the ratio, no letterbox), outside (cover it, keeping the ratio, no crop).',
    },
    position: { enum: POSITIONS, default: 'center', description: 'What `cover` keeps and where `contain` places the image; entropy and attention pick the busiest or most salient region (cover only).' },
    withoutEnlargement: { type: 'boolean', default: false, description: 'Never make the image larger than it is.' },
    background: {
      type: 'string',
      pattern: '^#([0-9a-fA-F]{6}|[0-9a-fA-F]{8})$',
      [PATTERN_MESSAGE]: 'must be a colour #rrggbb or #rrggbbaa',
      default: '#000000',
      description: 'Colour for `contain` letterboxing and the corners of a rotation, #rrggbb or #rrggbbaa.',
    },
    format: { enum: IMAGE_FORMATS, description: 'Format of the result. Default: the source\'s, when it is one of these four, else png.' },
    quality: { type: 'integer', minimum: 1, maximum: 100, description: 'Quality for jpeg, webp and avif (default 80 for jpeg and webp, 50 for avif); not for png.' },
  },
};
