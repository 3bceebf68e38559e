import type { FieldProblem } from '../../domain/index.js';
import type { InputCheckContext } from '../define.js';
import { urlProblem } from '../urlProblem.js';
import type { CommonInput, ImageInput, RenderOutput, RenderSource } from './inputSchema.js';
import { templateProblem } from './templates.js';

/**
 * checkRenderInput finds what the schema cannot: a `url` the URL guard refuses, a template that
 * does not parse, image options that exclude each other, cookies with nowhere to go.
 */
export async function checkRenderInput(
  source: RenderSource,
  output: RenderOutput,
  input: CommonInput & Partial<ImageInput>,
  context: InputCheckContext,
): Promise<FieldProblem[]> {
  const problems: FieldProblem[] = [];
  if (source === 'url' && input.url !== undefined) {
    const problem = await urlProblem(input.url, '/input/url', context);
    if (problem) problems.push(problem);
  }
  if (source === 'template' && input.template !== undefined) {
    const why = templateProblem(input.template);
    if (why) problems.push({ path: '/input/template', message: why });
  }
  if (output === 'image') {
    if (input.quality !== undefined && input.imageType === 'png') {
      problems.push({ path: '/input/quality', message: 'applies to jpeg and webp only' });
    }
    const shots = (['fullPage', 'clip', 'selector'] as const).filter((name) => input[name] !== undefined && input[name] !== false);
    if (shots.length > 1) problems.push({ path: `/input/${shots[1]}`, message: `cannot be combined with ${shots[0]}` });
    if (input.omitBackground && input.imageType === 'jpeg') {
      problems.push({ path: '/input/omitBackground', message: 'needs png or webp (jpeg has no transparency)' });
    }
  }
  // A page set with setContent has no URL of its own, so its cookies must say where they go.
  if (source !== 'url') {
    input.cookies?.forEach((cookie, i) => {
      if (cookie.url === undefined && cookie.domain === undefined) {
        problems.push({ path: `/input/cookies/${i}`, message: 'needs url or domain when the source is not a url' });
      }
    });
  }
  return problems;
}
