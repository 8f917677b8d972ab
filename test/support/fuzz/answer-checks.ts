// What every answer of the gateway must satisfy, whatever was asked.
import type { FuzzRequest } from './fuzz-requests';

export interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly requestIdHeader: string | null;
  readonly text: string;
}

/** Texts that only code, a stack or a library writes: none may reach a caller. */
const INTERNAL_TEXT: readonly RegExp[] = [
  /\\n\s*at /, // a stack frame, as JSON escapes it
  /\bat [\w$.<>]+ \(/,
  /node_modules/,
  /\b(?:BSON|BSONType|MongoServer|Mongo|MongoNetwork|MongoParse|MongoInvalidArgument|Type|Range|Reference|Syntax|Zod|YAMLParse|URI|Eval)Error\b/,
  /\b[A-Z][A-Za-z]*Error: /,
  /\/(?:work|home|root|usr|tmp|etc|var|opt|proc)\/[\w.-]/,
  /\.(?:ts|js|mjs|cjs):\d+/,
  /Maximum call stack/,
  /Unexpected token/,
  /Invalid namespace/,
  /E11000/,
  /Cannot read propert/,
  /is not a function/,
  /undefined is not/,
];

export function looksInternal(text: string): boolean {
  return INTERNAL_TEXT.some((pattern) => pattern.test(text));
}

/** Target databases may be down or slow; only those 5xx are expected, and they say why. */
const TARGET_STATUSES = [502, 503, 504];

/**
 * The answer's text without what the request itself sent, which an answer may echo (a name, an id):
 * whole words only, so that an echoed `name` does not hide the `namespace` of a driver's message.
 */
function withoutEchoes(text: string, echoes: readonly string[]): string {
  let out = text;
  for (const echo of [...echoes].sort((a, b) => b.length - a.length)) {
    for (const form of new Set([JSON.stringify(echo).slice(1, -1), echo])) {
      const escaped = form.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      out = out.replace(new RegExp(`(?<![\\p{L}\\p{N}_])${escaped}(?![\\p{L}\\p{N}_])`, 'gu'), '<echo>');
    }
  }
  return out;
}

export function problemsOf(request: FuzzRequest, answer: Answer): string[] {
  const problems: string[] = [];
  let body: Record<string, unknown> | undefined;
  if (answer.contentType.startsWith('application/json') && answer.text) {
    try {
      body = JSON.parse(answer.text) as Record<string, unknown>;
    } catch {
      problems.push('a JSON answer that does not parse');
    }
  }
  if (answer.status >= 500) {
    const details = body?.details as { reason?: unknown } | undefined;
    if (!TARGET_STATUSES.includes(answer.status)) problems.push(`status ${answer.status}`);
    else if (typeof details?.reason !== 'string') problems.push(`status ${answer.status} without details.reason`);
  }
  if (answer.status >= 400) {
    if (!body) problems.push(`error ${answer.status} not in the JSON error shape (${answer.contentType})`);
    else {
      if (typeof body.request_id !== 'string' || body.request_id === '') problems.push(`error ${answer.status} without request_id`);
      else if (body.request_id !== answer.requestIdHeader) problems.push('request_id differs from the x-request-id header');
      if (body.statusCode !== answer.status || typeof body.error !== 'string' || typeof body.message !== 'string') {
        problems.push(`error ${answer.status} not in the standard shape`);
      }
    }
  }
  // A generated script is JavaScript of our own (it throws Errors on purpose); everything else is checked.
  const isScript = request.route.path.endsWith('/generate-script') && answer.status < 300;
  // Echoes are only taken out of an answer that looks suspect at all (most do not): that is the slow part.
  if (!isScript && looksInternal(answer.text)) {
    const text = withoutEchoes(answer.text, request.echoes);
    for (const pattern of INTERNAL_TEXT) if (pattern.test(text)) problems.push(`internal text ${pattern}: ${excerpt(text, pattern)}`);
  }
  return problems;
}

function excerpt(text: string, pattern: RegExp): string {
  const at = text.search(pattern);
  return JSON.stringify(text.slice(Math.max(0, at - 80), at + 120));
}
