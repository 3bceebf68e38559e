// image/transform on real sharp (libvips from @img/sharp-linux-x64): the source is a PNG that
// html/image rendered in the bundled Chromium, served from 127.0.0.1. Each output is checked by
// reading its own header back: format, width and height.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { JsonObject } from '../../src/domain/index.js';
import { type JobFailure, JobTypeRegistry } from '../../src/jobtypes/index.js';
import { DEFAULT_IMAGE_LIMITS, type ImageSettings, imageJobTypes, imageTransformSpec } from '../../src/jobtypes/image/index.js';
import { imageInfo } from '../../src/jobtypes/render/index.js';
import { type LocalSite, type RenderRun, renderOnce, runDirectly, startSite, tempFileStore } from '../helpers/render.js';

let site: LocalSite;
let png: Buffer;
let store: Awaited<ReturnType<typeof tempFileStore>>;

before(async () => {
  const html = '<style>body{margin:0;background:#3366cc}</style><h1 style="color:white">Transform me</h1>';
  png = await renderOnce('html/image', { html, viewport: { width: 800, height: 600 } }, 'image.png');
  store = await tempFileStore();
  site = await startSite((request, response) => {
    if (request.url === '/image.png') response.writeHead(200, { 'content-type': 'image/png' }).end(png);
    else if (request.url === '/moved') response.writeHead(302, { location: '/image.png' }).end();
    else if (request.url === '/text') response.writeHead(200, { 'content-type': 'text/plain' }).end('not an image at all');
    else response.writeHead(404).end();
  });
});
after(async () => {
  await site.close();
  await store.remove();
});

function transform(input: JsonObject, settings: Partial<ImageSettings> = {}): Promise<RenderRun> {
  const registry = new JobTypeRegistry(imageJobTypes({ ...DEFAULT_IMAGE_LIMITS, allowPrivateTargets: true, ...settings }));
  return runDirectly({ registry, files: store.files }, 'image/transform', { source: `${site.origin}/image.png`, ...input });
}

function failsWith(code: string, retryable: boolean) {
  return (error: JobFailure) => {
    assert.equal(error.code, code, error.message);
    assert.equal(error.retryable, retryable);
    return true;
  };
}

describe('image/transform', () => {
  it('resizes with each fit mode to the asked dimensions, and reports width, height and bytes', async () => {
    const cases: [string, number, number][] = [
      ['cover', 200, 100],
      ['contain', 300, 300],
      ['fill', 123, 456],
      ['inside', 300, 225], // 800 × 600 kept at 4:3 inside 300 × 300
      ['outside', 400, 300], // the smallest 4:3 that covers 300 × 300 is 400 × 300
    ];
    for (const [fit, width, height] of cases) {
      const asked = fit === 'cover' || fit === 'fill' ? { width, height } : { width: 300, height: 300 };
      const run = await transform({ ...asked, fit });
      const out = run.files.get('image.png')!;
      assert.deepEqual(imageInfo(out), { type: 'png', width, height }, fit);
      assert.deepEqual([run.output.width, run.output.height, run.output.bytes, run.output.format], [width, height, out.length, 'png'], fit);
    }
  });

  it('keeps the aspect ratio when given one side only, and never enlarges with withoutEnlargement', async () => {
    assert.deepEqual((await transform({ width: 400 })).output.height, 300);
    const kept = await transform({ width: 1600, withoutEnlargement: true });
    assert.deepEqual([kept.output.width, kept.output.height], [800, 600]);
  });

  it('crops, then rotates: a 100 × 50 region turned 90° is 50 × 100', async () => {
    const run = await transform({ crop: { left: 10, top: 20, width: 100, height: 50 }, rotate: 90 });
    assert.deepEqual(imageInfo(run.files.get('image.png')!), { type: 'png', width: 50, height: 100 });
    assert.deepEqual(run.progress, [`Source read (${png.length} bytes)`, 'Transformed', 'Stored']);
  });

  it('writes jpeg, webp and avif with their own magic, and a lower quality makes a smaller file', async () => {
    const jpeg = await transform({ width: 400, format: 'jpeg', quality: 90 });
    const smaller = await transform({ width: 400, format: 'jpeg', quality: 10 });
    assert.deepEqual(imageInfo(jpeg.files.get('image.jpg')!), { type: 'jpeg', width: 400, height: 300 });
    assert.ok(smaller.output.bytes < jpeg.output.bytes, `${smaller.output.bytes} < ${jpeg.output.bytes}`);
    assert.equal(jpeg.output.files[0].contentType, 'image/jpeg');
    const webp = await transform({ width: 400, format: 'webp' });
    assert.deepEqual(imageInfo(webp.files.get('image.webp')!), { type: 'webp', width: 400, height: 300 });
    const avif = await transform({ width: 400, format: 'avif', quality: 40 });
    const bytes = avif.files.get('image.avif')!;
    assert.equal(bytes.toString('latin1', 4, 12), 'ftypavif');
    assert.deepEqual([avif.output.format, avif.output.width, avif.output.height], ['avif', 400, 300]);
    assert.equal(avif.output.files[0].contentType, 'image/avif');
  });

  it('follows a redirect through the URL guard', async () => {
    const run = await transform({ source: `${site.origin}/moved`, width: 80 });
    assert.equal(run.output.width, 80);
  });

  it('fails input_too_large, final, on a source over the byte or the pixel limit', async () => {
    await assert.rejects(transform({ width: 10 }, { maxInputBytes: 1000 }), failsWith('input_too_large', false));
    await assert.rejects(transform({ width: 10 }, { maxInputPixels: 800 * 600 - 1 }), failsWith('input_too_large', false));
  });

  it('fails image_unreadable on a source that is no image, and invalid_crop on a region outside it', async () => {
    await assert.rejects(transform({ source: `${site.origin}/text` }), failsWith('image_unreadable', false));
    await assert.rejects(transform({ crop: { left: 700, top: 0, width: 200, height: 10 } }), failsWith('invalid_crop', false));
  });

  it('fails download_failed: final on a 404 and on a target the guard refuses', async () => {
    await assert.rejects(transform({ source: `${site.origin}/missing.png` }), failsWith('download_failed', false));
    await assert.rejects(transform({ width: 10 }, { allowPrivateTargets: false }), failsWith('download_failed', false));
  });

  it('refuses at create a source URL the guard refuses, a fromJob of no job, and quality with png', async () => {
    const context = { allowPrivateTargets: false, findJob: async () => null };
    const registry = new JobTypeRegistry([imageTransformSpec]);
    const check = async (input: JsonObject) => {
      const prepared = registry.prepareInput('image/transform', input);
      assert.ok(prepared.ok, JSON.stringify(prepared));
      return (await imageTransformSpec.checkInput!(prepared.input as any, context)).map((p) => p.path);
    };
    assert.deepEqual(await check({ source: `${site.origin}/image.png` }), ['/input/source']);
    assert.deepEqual(await check({ source: { fromJob: 'job_01KB0000000000000000000000', file: 'image.png' } }), ['/input/source/fromJob']);
    assert.deepEqual(await check({ source: 'https://93.184.215.14/a.png', format: 'png', quality: 5 }), ['/input/quality']);
    const bad = registry.prepareInput('image/transform', { source: { fromJob: 'job_1', file: '../x' } });
    assert.equal(bad.ok, false);
  });
});
