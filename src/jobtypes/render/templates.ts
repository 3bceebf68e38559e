/**
 * Templates: Mustache (the `mustache` package), a logic-less engine: `{{name}}` fills in a value,
 * HTML-escaped; `{{{name}}}` fills it in as is; sections and inverted sections loop and test.
 * Nothing in a template can run code, read a file or load a partial: partials are not given,
 * and data is JSON, so it holds no functions.
 */
import Mustache from 'mustache';

/** renderTemplate fills `template` with `data`. A fresh Writer keeps no cache between jobs. */
export function renderTemplate(template: string, data: Record<string, unknown>): string {
  return new Mustache.Writer().render(template, data);
}

/** templateProblem returns why `template` does not parse (an unclosed tag or section), or null. */
export function templateProblem(template: string): string | null {
  try {
    new Mustache.Writer().parse(template);
    return null;
  } catch (error) {
    return `is not a valid Mustache template: ${(error as Error).message.split('\n')[0]}`;
  }
}
