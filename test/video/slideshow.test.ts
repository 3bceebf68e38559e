// video/slideshow on the real encoder (Debian's ffmpeg on PATH, else the static one inside
// @ffmpeg-installer/linux-x64) and the real Chromium: a video made from HTML slides, an earlier
// html/image job's file and an image URL decodes as MP4, checked by reading its own boxes
// (duration, frame count, codec, size). Cancel kills ffmpeg; bad input is a 400 naming the field;
// a process without ffmpeg lists the type as unavailable, with the reason, and refuses its jobs.
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { JobTypeRegistry, defineJobType } from '../../src/jobtypes/index.js';
import { DEFAULT_IMAGE_LIMITS } from '../../src/jobtypes/image/index.js';
import { imageInfo } from '../../src/jobtypes/render/index.js';
import { findFfmpeg, videoJobTypes, videoSlideshowSpec } from '../../src/jobtypes/video/index.js';
import { readMp4 } from '../helpers/mp4.js';
import { type RenderHarness, type RenderRun, isAlive, renderHarness, runDirectly, startSite, tempFileStore } from '../helpers/render.js';
import { type TestAccount, type TestServer, downloadFile, jobTotal, runToEnd, startTestServer } from '../helpers/server.js';

const found = findFfmpeg({ searchPath: process.env.PATH });
const slide = (colour: string, text: string) => `<body style="margin:0;background:${colour}"><h1 style="color:white">${text}</h1></body>`;

describe('video/slideshow through the API', () => {
  let server: TestServer;
  let owner: TestAccount;
  const started: number[] = [];

  before(async () => {
    assert.ok(found.path, 'an ffmpeg is installed (the npm package is an optionalDependency)');
    server = await startTestServer({ workers: 1, render: { chromiumPath: process.env.LONGRUN_CHROMIUM }, video: { onEncoderStart: (pid) => started.push(pid) } });
    owner = await server.createAccount();
  });
  after(async () => {
    await server.close();
  });

  it('makes an MP4 of HTML slides and an html/image job\'s file: its boxes give the frames, duration, codec and size asked for', async () => {
    const shot = await runToEnd(server, owner, 'html/image', { html: slide('#00aa00', 'from a job'), viewport: { width: 640, height: 480 } });
    assert.equal(shot.status, 'completed', JSON.stringify(shot.error));
    const frames = [
      { html: slide('#ff0000', 'one') },
      { source: { fromJob: shot.id, file: 'image.png' } },
      { html: slide('#0000ff', 'three'), durationMs: 500 },
    ];
    const job = await runToEnd(server, owner, 'video/slideshow', { frames, durationMs: 1000, crossfadeMs: 200, width: 320, height: 240, fps: 10 });
    assert.equal(job.status, 'completed', JSON.stringify(job.error));
    const output = job.output as any;
    assert.deepEqual(
      { width: output.width, height: output.height, durationMs: output.durationMs, frames: output.frames },
      { width: 320, height: 240, durationMs: 2500, frames: 3 },
    );
    assert.deepEqual(output.files.map((f: { name: string }) => f.name), ['video.mp4', 'thumbnail.jpg']);

    const video = await downloadFile(server, owner, output.files[0].url);
    assert.equal(output.bytes, video.length);
    const mp4 = readMp4(video);
    assert.ok(mp4.topLevel.indexOf('moov') < mp4.topLevel.indexOf('mdat'), `+faststart puts moov first: ${mp4.topLevel}`);
    assert.equal(mp4.tracks.length, 1);
    const [track] = mp4.tracks;
    assert.deepEqual({ codec: track!.codec, width: track!.width, height: track!.height, samples: track!.samples }, { codec: 'avc1', width: 320, height: 240, samples: 25 });
    assert.ok(Math.abs(mp4.durationMs - 2500) <= 100, `movie lasts ${mp4.durationMs} ms`);
    assert.ok(Math.abs(track!.durationMs - 2500) <= 100, `track lasts ${track!.durationMs} ms`);

    // The thumbnail is the first slide: red, at the video's size.
    const thumbnail = await downloadFile(server, owner, output.files[1].url);
    assert.deepEqual(imageInfo(thumbnail), { type: 'jpeg', width: 320, height: 240 });
    const { channels } = await sharp(thumbnail).stats();
    assert.ok(channels[0]!.mean > 150 && channels[2]!.mean < 100, `mostly red: ${channels.map((c) => Math.round(c.mean))}`);
    assert.ok(started.length >= 1 && started.every((pid) => !isAlive(pid)), 'ffmpeg ran and is gone');
  });

  it('refuses bad input with a 400 naming the field, and creates nothing', async () => {
    const cases: [unknown, string][] = [
      [{ frames: [] }, '/input/frames'],
      [{ frames: [{ html: '<p>a</p>', source: 'https://example.com/a.png' }] }, '/input/frames/0'],
      [{ frames: [{ html: '<p>a</p>' }, {}] }, '/input/frames/1'],
      [{ frames: [{ html: '<p>a</p>', durationMs: 60_000 }] }, '/input/frames/0/durationMs'],
      [{ frames: Array.from({ length: 61 }, () => ({ html: '<p>a</p>' })) }, '/input/frames'],
      [{ frames: [{ html: '<p>a</p>' }], width: 1281 }, '/input/width'],
      [{ frames: [{ html: '<p>a</p>' }], height: 4000 }, '/input/height'],
      [{ frames: [{ html: 'a' }, { html: 'b', durationMs: 300 }], crossfadeMs: 300 }, '/input/crossfadeMs'],
      [{ frames: [{ source: 'http://127.0.0.1/a.png' }] }, '/input/frames/0/source'],
      [{ frames: [{ source: { fromJob: 'job_01KB0000000000000000000000', file: 'image.png' } }] }, '/input/frames/0/source/fromJob'],
    ];
    const before = await jobTotal(server, owner.accountId);
    for (const [input, path] of cases) {
      const refused = await server.request('POST', '/v1/jobs', { key: owner.key, body: { type: 'video/slideshow', input } });
      assert.equal(refused.status, 400, refused.text);
      assert.equal(refused.json.code, 'invalid_request');
      assert.ok(refused.json.errors.some((e: { path: string }) => e.path === path), `${path} in ${refused.text}`);
    }
    assert.equal(await jobTotal(server, owner.accountId), before);
  });

  it('lists the type with its schema and no unavailable reason', async () => {
    const types = await server.request('GET', '/v1/job-types', { key: owner.key });
    const listed = types.json.find((t: { type: string }) => t.type === 'video/slideshow');
    assert.equal(listed.runsOn, 'local');
    assert.equal(listed.unavailable, undefined);
    assert.deepEqual(listed.privateFields, ['frames']);
  });
});

describe('video/slideshow run directly', () => {
  let harness: RenderHarness;
  let store: Awaited<ReturnType<typeof tempFileStore>>;
  before(async () => {
    harness = await renderHarness({ settings: { chromiumPath: process.env.LONGRUN_CHROMIUM } });
    store = await tempFileStore();
  });
  after(async () => {
    await harness.close();
    await store.remove();
  });

  function slideshow(input: object, options: { signal?: AbortSignal; onProgress?: (message: string) => void; onEncoderStart?: (pid: number) => void } = {}): Promise<RenderRun> {
    const settings = { ...DEFAULT_IMAGE_LIMITS, allowPrivateTargets: true, ffmpegPath: found.path!, onEncoderStart: options.onEncoderStart };
    const registry = new JobTypeRegistry(videoJobTypes(harness.env, settings));
    return runDirectly({ registry, files: store.files }, 'video/slideshow', input as any, options);
  }

  it('fits an image URL (read through the URL guard) into the frame, and writes a PNG thumbnail', async () => {
    const png = await sharp({ create: { width: 100, height: 400, channels: 3, background: '#ffffff' } }).png().toBuffer();
    const site = await startSite((_request, response) => response.writeHead(200, { 'content-type': 'image/png' }).end(png));
    try {
      const run = await slideshow({ frames: [{ source: `${site.origin}/tall.png` }], durationMs: 1000, width: 200, height: 100, fps: 5, thumbnailFormat: 'png' });
      assert.deepEqual(imageInfo(run.files.get('thumbnail.png')!), { type: 'png', width: 200, height: 100 });
      const mp4 = readMp4(run.files.get('video.mp4')!);
      assert.deepEqual([mp4.tracks[0]!.samples, mp4.tracks[0]!.width], [5, 200]);
      // contain: a white 25 × 100 column in the middle of black letterboxing.
      const { channels } = await sharp(run.files.get('thumbnail.png')!).stats();
      assert.ok(channels[0]!.mean > 20 && channels[0]!.mean < 60, `an eighth white: mean ${channels[0]!.mean}`);
      assert.equal(run.progress.at(-1), 'Stored');
      assert.ok(run.progress.includes('Frame 1 of 1 ready'));
    } finally {
      await site.close();
    }
  });

  it('kills ffmpeg when the attempt is cancelled: the run ends with the reason, ffmpeg is gone and encoded no further', async () => {
    // 90 s of 1080p: far more than ffmpeg encodes between its first report and the kill.
    const frames = [1, 2, 3].map((n) => ({ html: slide('#333333', `slide ${n}`) }));
    const stop = new AbortController();
    const reason = new Error('cancelled by the test');
    const pids: number[] = [];
    const encoding: string[] = [];
    const run = slideshow(
      { frames, durationMs: 30_000, width: 1920, height: 1080, fps: 30 },
      {
        signal: stop.signal,
        onEncoderStart: (pid) => pids.push(pid),
        onProgress: (message) => {
          if (!message.startsWith('Encoding')) return;
          encoding.push(message);
          stop.abort(reason); // ffmpeg is running: it just reported
        },
      },
    );
    await assert.rejects(run, (error) => error === reason);
    assert.equal(pids.length, 1);
    assert.equal(isAlive(pids[0]!), false, 'ffmpeg is gone');
    assert.equal(encoding.length, 1, `no report after the kill: ${encoding}`);
    assert.match(encoding[0]!, /^Encoding: \d+\.\d of 90\.0 s$/);
  });
});

describe('video/slideshow without ffmpeg', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ video: { ffmpegPath: false } });
  });
  after(async () => {
    await server.close();
  });

  it('lists the type as unavailable with the reason, and refuses its jobs with unknown_job_type saying why', async () => {
    const owner = await server.createAccount();
    const types = await server.request('GET', '/v1/job-types', { key: owner.key });
    const listed = types.json.find((t: { type: string }) => t.type === 'video/slideshow');
    assert.match(listed.unavailable, /ffmpeg is turned off/);
    const refused = await server.request('POST', '/v1/jobs', { key: owner.key, body: { type: 'video/slideshow', input: { frames: [{ html: 'a' }] } } });
    assert.equal(refused.status, 400, refused.text);
    assert.equal(refused.json.code, 'unknown_job_type');
    assert.match(refused.json.detail, /not available on this server: ffmpeg is turned off/);
  });

  it('stops listing the type as unavailable once a handler module registers one under its name', () => {
    const registry = new JobTypeRegistry();
    registry.registerUnavailable(videoSlideshowSpec, 'ffmpeg is turned off');
    assert.deepEqual(registry.unavailableTypes().map((t) => t.spec.type), ['video/slideshow']);
    registry.register(defineJobType({ ...videoSlideshowSpec, async run() { return {}; } }));
    assert.deepEqual(registry.unavailableTypes(), [], 'listed once, as the type that runs here');
  });

  it('findFfmpeg prefers an ffmpeg on PATH, then the npm package, and says why when there is none', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'longrun-ffmpeg-path-'));
    try {
      await writeFile(join(dir, 'ffmpeg'), '#!/bin/sh\n');
      await chmod(join(dir, 'ffmpeg'), 0o755);
      assert.deepEqual(findFfmpeg({ searchPath: `/nonexistent:${dir}` }), { path: join(dir, 'ffmpeg'), origin: 'system' });
      const fallback = findFfmpeg({ searchPath: '/nonexistent' });
      assert.equal(fallback.path && 'origin' in fallback ? fallback.origin : null, 'npm');
      assert.match((findFfmpeg({ configured: join(dir, 'missing') }) as { reason: string }).reason, /not an executable file/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
