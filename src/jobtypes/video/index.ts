/** The video family: `video/slideshow`, frames made here (Chromium, sharp) and encoded by ffmpeg. */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { FieldProblem } from '../../domain/index.js';
import { type JobSpec, type JobTypeDefinition, type OutputFile, defineJobSpec, defineJobType } from '../define.js';
import { checkFileSource } from '../fileSource.js';
import type { RenderEnvironment } from '../render/renderJob.js';
import { encodeArgs, totalDurationMs } from './encodeArgs.js';
import { runFfmpeg } from './ffmpeg.js';
import { type FrameLimits, makeFrames } from './frames.js';
import { SLIDESHOW_INPUT_SCHEMA, type SlideshowInput } from './inputSchema.js';

export { FFMPEG_PACKAGE, type FfmpegFound, findFfmpeg } from './ffmpeg.js';
export { SLIDESHOW_LIMITS, type SlideshowInput } from './inputSchema.js';

/** VideoSettings are what video jobs use in one process: the encoder, and the limits of image frames. */
export interface VideoSettings extends FrameLimits {
  /** ffmpegPath is the encoder findFfmpeg found. */
  ffmpegPath: string;
  /** onEncoderStart hears the pid of each ffmpeg started (tests watch it end). */
  onEncoderStart?(pid: number): void;
}

/** VideoConfig picks the encoder of `video/slideshow`: a path, `false` for none, or (left out) the one findFfmpeg finds. */
export interface VideoConfig {
  ffmpegPath?: string | false;
  /** onEncoderStart hears the pid of each ffmpeg started (tests watch it end). */
  onEncoderStart?(pid: number): void;
}

/** SlideshowOutput is `video/slideshow`'s output: video.mp4 and the thumbnail, and the video's facts. */
export type SlideshowOutput = {
  files: OutputFile[];
  width: number;
  height: number;
  durationMs: number;
  /** frames is how many frames (slides and images) the video shows. */
  frames: number;
  /** bytes is the size of video.mp4. */
  bytes: number;
};

/** videoSlideshowSpec is `video/slideshow` as the API knows it. */
export const videoSlideshowSpec: JobSpec<SlideshowInput> = defineJobSpec<SlideshowInput>({
  type: 'video/slideshow',
  description: 'Makes an MP4 video (H.264) and a thumbnail from HTML slides and images (URLs or earlier jobs\' files), each shown for its duration, with an optional crossfade.',
  inputSchema: SLIDESHOW_INPUT_SCHEMA,
  privateFields: ['frames'],
  creditCost: 5,
  timeoutMs: 900_000,
  maxAttempts: 2,
  checkInput: async (input, context) => {
    const problems: FieldProblem[] = [];
    for (const [i, frame] of input.frames.entries()) {
      const path = `/input/frames/${i}`;
      if ((frame.html === undefined) === (frame.source === undefined)) problems.push({ path, message: 'needs exactly one of html and source' });
      else problems.push(...(await checkFileSource(frame.source, `${path}/source`, context)));
    }
    const shortest = Math.min(...input.frames.slice(1).map((frame) => frame.durationMs ?? input.durationMs));
    if (input.crossfadeMs > 0 && input.crossfadeMs >= shortest) {
      problems.push({ path: '/input/crossfadeMs', message: `must be shorter than every frame after the first (the shortest is ${shortest} ms)` });
    }
    return problems;
  },
});

/**
 * videoJobTypes is `video/slideshow` with its handler: make each frame at the video's size
 * (progress up to 30, `Frame n of m ready`), encode them with ffmpeg (up to 90, `Encoding: s of
 * t s`, from ffmpeg's own report), store video.mp4 and the thumbnail (95 `Stored`). The frames and
 * the video are written to a temporary folder, removed whatever happens.
 */
export function videoJobTypes(env: RenderEnvironment, settings: VideoSettings): JobTypeDefinition<any, SlideshowOutput>[] {
  return [
    defineJobType<SlideshowInput, SlideshowOutput>({
      ...videoSlideshowSpec,
      async run(ctx) {
        const { input } = ctx;
        const count = input.frames.length;
        const images = await makeFrames(env, settings, ctx, (done) => ctx.progress(Math.floor((30 * done) / count), `Frame ${done} of ${count} ready`));
        const dir = await mkdtemp(join(tmpdir(), 'longrun-slideshow-'));
        try {
          const frames = await Promise.all(
            images.map(async (image, i) => {
              const path = join(dir, `frame-${String(i).padStart(3, '0')}.png`);
              await writeFile(path, image);
              return { path, durationMs: input.frames[i]!.durationMs ?? input.durationMs };
            }),
          );
          const durationMs = totalDurationMs(frames);
          const output = join(dir, 'video.mp4');
          let reported = 30;
          await runFfmpeg({
            path: settings.ffmpegPath,
            args: encodeArgs({ frames, crossfadeMs: input.crossfadeMs, width: input.width, height: input.height, fps: input.fps, output }),
            signal: ctx.signal,
            onStart: settings.onEncoderStart,
            onProgress: (outMs) => {
              const percent = 30 + Math.floor((60 * Math.min(outMs, durationMs)) / durationMs);
              if (percent <= reported) return;
              reported = percent;
              // Not awaited, so ffmpeg's pipe keeps flowing; the runtime's progress never rejects (it logs a failed report).
              void ctx.progress(percent, `Encoding: ${(outMs / 1000).toFixed(1)} of ${(durationMs / 1000).toFixed(1)} s`);
            },
          });
          const video = await ctx.files.put('video.mp4', createReadStream(output));
          const thumbnail = await ctx.files.put(
            input.thumbnailFormat === 'png' ? 'thumbnail.png' : 'thumbnail.jpg',
            input.thumbnailFormat === 'png' ? images[0]! : await sharp(images[0]!).jpeg({ quality: 85 }).toBuffer(),
          );
          await ctx.progress(95, 'Stored');
          return { files: [video, thumbnail], width: input.width, height: input.height, durationMs, frames: count, bytes: video.size };
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      },
    }),
  ];
}
