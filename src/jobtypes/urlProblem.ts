import type { FieldProblem } from '../domain/index.js';
import { UnsafeTargetError, checkUrl } from '../egress/index.js';
import type { InputCheckContext } from './define.js';

/**
 * urlProblem runs the URL guard on an input's URL at create, so a target no attempt could reach
 * is a `400` naming the field rather than a failed job: the field's problem, or null when the
 * guard lets it through. Each attempt checks it again.
 */
export async function urlProblem(url: string, path: string, context: Pick<InputCheckContext, 'allowPrivateTargets'>): Promise<FieldProblem | null> {
  try {
    await checkUrl(url, { allowPrivate: context.allowPrivateTargets });
    return null;
  } catch (error) {
    if (!(error instanceof UnsafeTargetError)) throw error;
    return { path, message: `is refused: ${error.message}` };
  }
}
