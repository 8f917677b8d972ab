// Every answer the e2e suite gets through `api()` (and so `authedApi`) is checked against the
// gateway's own OpenAPI document, which the global setup saved once (E2E_OPENAPI_FILE).
import { appendFileSync, readFileSync } from 'node:fs';
import type { Response } from 'supertest';
import { OpenApiAnswers, type Answer, type OpenApiDocument } from './openapi-answers';

const HTTP_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

let answers: OpenApiAnswers | null | undefined;

/** The document's checker; none where the suite runs without the global setup's system. */
function documentAnswers(): OpenApiAnswers | null {
  if (answers === undefined) {
    const file = process.env.E2E_OPENAPI_FILE;
    answers = file ? new OpenApiAnswers(JSON.parse(readFileSync(file, 'utf8')) as OpenApiDocument) : null;
  }
  return answers;
}

/** Throws, failing the request's test, when the answer is not what the OpenAPI document says the route answers. */
export function expectAnswerInDocument(res: Response): void {
  const answer = answerOf(res);
  const checker = documentAnswers();
  // E2E_OPENAPI_SEEN=<file>: which route answered which status, one line each, to see what the suites reach.
  if (checker && process.env.E2E_OPENAPI_SEEN)
    appendFileSync(process.env.E2E_OPENAPI_SEEN, `${checker.routeOf(answer) ?? 'none'} ${answer.status}\n`);
  const problems = checker?.problemsWith(answer) ?? [];
  if (problems.length > 0) {
    throw new Error(`the answer disagrees with the OpenAPI document (/docs/openapi.json):\n  ${problems.join('\n  ')}`);
  }
}

/** A supertest client whose every request checks its answer against the document. */
export function checkedAgainstDocument<T extends object>(client: T): T {
  return new Proxy(client, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key);
      if (typeof value !== 'function' || typeof key !== 'string' || !HTTP_METHODS.has(key)) return value;
      return (...args: unknown[]) =>
        (value.apply(target, args) as { expect(check: (res: Response) => void): unknown }).expect(expectAnswerInDocument);
    },
  });
}

function answerOf(res: Response): Answer {
  const sent = res as unknown as { req: { method: string }; request: { url: string } };
  return {
    method: sent.req.method,
    path: new URL(sent.request.url).pathname,
    status: res.status,
    contentType: res.headers['content-type'] as string | undefined,
    text: typeof res.text === 'string' ? res.text : undefined,
    body: res.body as unknown,
  };
}
