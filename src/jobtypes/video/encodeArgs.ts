/**
 * The ffmpeg command of a slideshow. Each frame is a still image (already at the video's size),
 * looped for its time and laid over a black canvas that lasts the whole video, starting at its
 * own offset; with a crossfade, each frame after the first fades in (its alpha) over the one
 * before, which stays under it that long. Overlays rather than the `xfade` filter: the static
 * ffmpeg in the npm package is 4.1, and `xfade` came in 4.3.
 */

/** SlideshowPlan is what the encoder needs: the frames' image files in order and the timing. */
export interface SlideshowPlan {
  /** frames are PNG files at width × height, each with its time in ms. */
  frames: { path: string; durationMs: number }[];
  crossfadeMs: number;
  width: number;
  height: number;
  fps: number;
  /** output is the MP4 file to write. */
  output: string;
}

/** totalDurationMs is how long the video lasts: the sum of the frames' times (a crossfade eats into the later frame). */
export function totalDurationMs(frames: readonly { durationMs: number }[]): number {
  return frames.reduce((sum, frame) => sum + frame.durationMs, 0);
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/**
 * encodeArgs are ffmpeg's arguments for `plan`: H.264 in yuv420p (what every player decodes), the
 * index at the front (`+faststart`, so a browser plays it while downloading), no audio, and
 * `-progress pipe:1` for runFfmpeg to read.
 */
export function encodeArgs(plan: SlideshowPlan): string[] {
  const { frames, crossfadeMs, width, height, fps } = plan;
  const total = totalDurationMs(frames);
  const inputs: string[] = ['-f', 'lavfi', '-i', `color=c=black:s=${width}x${height}:r=${fps}:d=${seconds(total)}`];
  const filters: string[] = [];
  let startMs = 0;
  frames.forEach((frame, i) => {
    // A frame stays under the next one while that one fades in.
    const shownMs = frame.durationMs + (i < frames.length - 1 ? crossfadeMs : 0);
    inputs.push('-i', frame.path);
    // The image is decoded and converted once, then repeated by the loop filter: `-loop 1` on
    // the input decodes the PNG again for every frame of video (5 slides × 2 s at 1280×720:
    // 12 s of encoding that way, 4 s this way).
    const repeats = Math.max(1, Math.round((shownMs * fps) / 1000)) - 1;
    const fade = i > 0 && crossfadeMs > 0 ? `,fade=t=in:st=0:d=${seconds(crossfadeMs)}:alpha=1` : '';
    filters.push(`[${i + 1}:v]format=yuva420p,loop=loop=${repeats}:size=1:start=0,setpts=N/${fps}/TB${fade},setpts=PTS+${seconds(startMs)}/TB[f${i}]`);
    startMs += frame.durationMs;
  });
  let below = '0:v';
  frames.forEach((_frame, i) => {
    filters.push(`[${below}][f${i}]overlay=eof_action=pass[o${i}]`);
    below = `o${i}`;
  });
  filters.push(`[${below}]format=yuv420p[out]`);
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error', '-nostats', '-progress', 'pipe:1', '-y',
    ...inputs,
    '-filter_complex', filters.join(';'),
    '-map', '[out]', '-an',
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p', '-r', String(fps),
    '-movflags', '+faststart',
    plan.output,
  ];
}
