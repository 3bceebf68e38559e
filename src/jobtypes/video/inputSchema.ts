/**
 * The input schema of `video/slideshow`: the frames (each an HTML slide or an image), how long each
 * is shown, the crossfade between them and the video's size. Every bound here is a limit that keeps
 * one job from running away: frames, seconds per frame, pixels per frame. Each field carries a
 * description: `/v1/job-types` and docs/api.md show them to clients.
 */
import { PATTERN_MESSAGE } from '../../domain/index.js';
import type { JsonSchema } from '../define.js';
import { type FileSource, fileSourceSchema } from '../fileSource.js';

/** SLIDESHOW_LIMITS bound one slideshow: frames, milliseconds per frame, the crossfade and the video's sides. */
export const SLIDESHOW_LIMITS = {
  maxFrames: 60,
  minFrameMs: 100,
  maxFrameMs: 30_000,
  maxCrossfadeMs: 5_000,
  minSide: 16,
  maxWidth: 1920,
  maxHeight: 1920,
  maxFps: 60,
  maxHtmlLength: 1_000_000,
} as const;

/** SlideshowFrame is one frame: an HTML slide or an image, and how long it is shown. */
export interface SlideshowFrame {
  html?: string;
  source?: FileSource;
  durationMs?: number;
}

/** SlideshowInput is `video/slideshow`'s input with the schema's defaults applied. */
export interface SlideshowInput {
  frames: SlideshowFrame[];
  durationMs: number;
  crossfadeMs: number;
  width: number;
  height: number;
  fps: number;
  fit: 'contain' | 'cover';
  background: string;
  thumbnailFormat: 'png' | 'jpeg';
}

const L = SLIDESHOW_LIMITS;
const FRAME_MS = { type: 'integer', minimum: L.minFrameMs, maximum: L.maxFrameMs };
// yuv420p halves both sides of the colour planes, so H.264 in it needs even sides.
const side = (max: number) => ({ type: 'integer', minimum: L.minSide, maximum: max, multipleOf: 2 });

/** SLIDESHOW_INPUT_SCHEMA is `video/slideshow`'s input. */
export const SLIDESHOW_INPUT_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['frames'],
  properties: {
    frames: {
      type: 'array',
      minItems: 1,
      maxItems: L.maxFrames,
      description: `The frames in order, 1 to ${L.maxFrames}; each gives exactly one of \`html\` and \`source\`. Private: never echoed back.`,
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          html: {
            type: 'string',
            minLength: 1,
            maxLength: L.maxHtmlLength,
            description: 'An HTML slide, rendered in headless Chromium at width × height (every request it makes passes the URL guard).',
          },
          source: fileSourceSchema('the image (PNG, JPEG, WebP, AVIF, GIF, TIFF or SVG), fitted to width × height by `fit`'),
          durationMs: { ...FRAME_MS, description: `How long this frame is shown, ${L.minFrameMs}–${L.maxFrameMs} ms. Default: the input's durationMs.` },
        },
      },
    },
    durationMs: { ...FRAME_MS, default: 2000, description: 'How long each frame that sets no durationMs of its own is shown.' },
    crossfadeMs: {
      type: 'integer',
      minimum: 0,
      maximum: L.maxCrossfadeMs,
      default: 0,
      description: 'Each frame after the first fades in over the previous one for this long, at the start of its own time; 0: cuts. It must be shorter than every frame after the first. The video lasts the sum of the durations either way.',
    },
    width: { ...side(L.maxWidth), default: 1280, description: `Width of the video in pixels, even, ${L.minSide}–${L.maxWidth}.` },
    height: { ...side(L.maxHeight), default: 720, description: `Height of the video in pixels, even, ${L.minSide}–${L.maxHeight}.` },
    fps: { type: 'integer', minimum: 1, maximum: L.maxFps, default: 30, description: `Frames per second of the video, 1–${L.maxFps}.` },
    fit: {
      enum: ['contain', 'cover'],
      default: 'contain',
      description: 'How an image frame fills width × height: contain (all of it, letterboxed with `background`) or cover (all of the video, cropping the overflow). HTML slides are rendered at that size.',
    },
    background: {
      type: 'string',
      pattern: '^#[0-9a-fA-F]{6}$',
      [PATTERN_MESSAGE]: 'must be a colour #rrggbb',
      default: '#000000',
      description: 'Colour of the letterbox around a `contain` image, #rrggbb.',
    },
    thumbnailFormat: { enum: ['png', 'jpeg'], default: 'jpeg', description: 'Format of the thumbnail, the first frame at the video\'s size: thumbnail.png or thumbnail.jpg.' },
  },
};
