/**
 * Where a field problem is, for a client. A use case names the fields of its own request by JSON
 * pointer (`/cursor`, `/from`), as a body-shaped request would; it does not know that some of
 * them arrived as query parameters. The routes that build a request from the query string say so
 * here, and the problem reads as the parameter the client sent (`query cursor: …`).
 */
import { type FieldProblem, InvalidRequestError, describeFieldProblem } from '../domain/index.js';

/** QueryNames maps a use case's request field to the query parameter it came from: `{ from: 'from' }`. */
export type QueryNames = Readonly<Record<string, string>>;

/**
 * fromQuery runs `use` and reports a field problem about a request field listed in `names` as
 * that query parameter. Any other error passes through unchanged.
 */
export async function fromQuery<T>(names: QueryNames, use: () => Promise<T>): Promise<T> {
  try {
    return await use();
  } catch (error) {
    throw error instanceof InvalidRequestError ? inQuery(error, names) : error;
  }
}

/**
 * inQuery is `error` with its problems about the fields in `names` moved to the query string. An
 * error made for one field (InvalidRequestError.field) is made again for the parameter, so its
 * detail names the parameter as a field problem's detail always does.
 */
export function inQuery(error: InvalidRequestError, names: QueryNames): InvalidRequestError {
  const problems = error.errors ?? [];
  const moved = problems.map((problem) => queryProblem(problem, names));
  if (moved.every((problem, i) => problem === problems[i])) return error;
  if (problems.length === 1 && error.message === describeFieldProblem(problems[0]!)) {
    return InvalidRequestError.field(moved[0]!.path, moved[0]!.message, 'query');
  }
  return new InvalidRequestError(error.message, moved, error.status);
}

function queryProblem(problem: FieldProblem, names: QueryNames): FieldProblem {
  if (problem.in !== undefined || !problem.path.startsWith('/')) return problem;
  const field = problem.path.slice(1);
  if (!Object.hasOwn(names, field)) return problem;
  return { path: names[field]!, message: problem.message, in: 'query' };
}

/**
 * windowDates turns a window's query text into Dates as it is (text that is no time becomes an
 * invalid Date, which the service refuses naming the field); absent stays absent.
 */
export function windowDates(query: { from?: string; to?: string }): { from?: Date; to?: Date } {
  return { from: query.from === undefined ? undefined : new Date(query.from), to: query.to === undefined ? undefined : new Date(query.to) };
}
