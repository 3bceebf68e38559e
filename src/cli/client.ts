import { type FieldProblem, describeFieldProblem } from '../domain/index.js';

/** ApiError is a problem answer from the server: its status, code, detail and field problems. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly errors: readonly FieldProblem[],
  ) {
    super(`${status} ${code}: ${detail}`);
  }

  /** report is what the CLI prints: the message, then one indented line per field problem. */
  report(): string {
    return [this.message, ...this.errors.map((problem) => `  ${describeFieldProblem(problem)}`)].join('\n');
  }
}

/** Call sends one request (with any extra headers) to the server and returns its JSON answer, or throws ApiError. */
export type Call = <T>(method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<T>;

/** client makes a Call that speaks to the server at `url` with the API key `key`. */
export function client(url: string, key: string): Call {
  return async <T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> => {
    let response: Response;
    try {
      response = await fetch(new URL(path, url), {
        method,
        headers: { ...headers, 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new Error(`cannot reach ${url}: ${(error as Error & { cause?: Error }).cause?.message ?? (error as Error).message}`);
    }
    const answer = (await response.json().catch(() => null)) as (T & { detail?: string; code?: string; errors?: FieldProblem[] }) | null;
    if (!response.ok) {
      throw new ApiError(response.status, answer?.code ?? '', answer?.detail ?? response.statusText, Array.isArray(answer?.errors) ? answer.errors : []);
    }
    return answer as T;
  };
}
