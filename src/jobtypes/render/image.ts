import type { Page } from 'playwright-core';
import type { ImageInput } from './inputSchema.js';

/** IMAGE_EXTENSIONS name the output file of each image type. */
export const IMAGE_EXTENSIONS = { png: 'png', jpeg: 'jpg', webp: 'webp' } as const;

/**
 * shootImage takes the screenshot the job asks for: one element (`selector`), a rectangle
 * (`clip`), the whole page (`fullPage`) or the viewport.
 */
export async function shootImage(page: Page, input: ImageInput, timeoutMs: number): Promise<Uint8Array> {
  const options = {
    type: input.imageType,
    quality: input.imageType === 'png' ? undefined : (input.quality ?? 80),
    omitBackground: input.omitBackground,
    timeout: timeoutMs,
  };
  if (input.selector !== undefined) return page.locator(input.selector).first().screenshot(options);
  return page.screenshot({ ...options, fullPage: input.fullPage, clip: input.clip });
}
