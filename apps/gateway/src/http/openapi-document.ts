import type { INestApplication } from '@nestjs/common';
import {
  DocumentBuilder,
  SwaggerModule,
  type OpenAPIObject,
  type OperationObject,
  type PathItemObject,
  type ResponseObject,
} from '@nestjs/swagger';
import { ERROR_SCHEMA, errorAnswer, REQUEST_ID_HEADER, type ErrorStatus } from './api-errors';
import { ErrorResponse } from './error-response';
import { jsonSchemaOf } from './zod-body';

/** Set by `@Public()` on the operations that need no credentials; turned into `security: []` below. */
export const PUBLIC_EXTENSION = 'x-public' as const;

/** Both kinds of credentials travel as `Authorization: Bearer`; the gateway tells them apart by their form. */
const SECURITY_SCHEMES = {
  'access-token': {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: "A user's access token from `POST /auth/login` (RS256 JWT, short-lived; renew it with `POST /auth/refresh-token`).",
  },
  'api-key': {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'irk_<8 hex>_<43 base64url>',
    description: "A project's API key from `POST /projects/{id}/api-keys` (`irk_...`, shown once), for CI and scripts.",
  },
} as const;

/**
 * The statuses routes answer by what they are rather than by what they do, so no controller repeats
 * them: every query string, parameter and body is validated strictly (400), every route asks a backend
 * over the bus (503 when none answers, 504 when it is too slow), the credentials' guard (401; 429 for
 * an address that keeps sending invalid API keys), and the body parsers (413, 415).
 */
const ANSWERED_BY_KIND: readonly { when: (operation: Operation) => boolean; statuses: ErrorStatus[] }[] = [
  { when: () => true, statuses: [400, 500, 503, 504] },
  { when: (operation) => !isPublic(operation), statuses: [401, 429] },
  { when: (operation) => operation.requestBody !== undefined, statuses: [413, 415] },
];

/** An operation as the scanner left it: `x-public` where `@Public()` marked it. */
type Operation = OperationObject & { [PUBLIC_EXTENSION]?: boolean };

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'] as const;

/** The gateway's OpenAPI document (served at /docs/openapi.json), from the controllers' decorators. */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('Index Registry')
    .setDescription(
      'MongoDB index design repository, drift, plans, scripts and syncs. Every error answer has one shape, `ErrorResponse`; ' +
        'every route needs `Authorization: Bearer` with an access token or an API key unless it says `security: []`.',
    )
    .setVersion('1');
  for (const [name, scheme] of Object.entries(SECURITY_SCHEMES)) builder.addSecurity(name, { ...scheme });
  for (const name of Object.keys(SECURITY_SCHEMES)) builder.addSecurityRequirements(name);
  return completed(SwaggerModule.createDocument(app, builder.build()));
}

function completed(document: OpenAPIObject): OpenAPIObject {
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, [ERROR_SCHEMA]: jsonSchemaOf(ErrorResponse) },
  };
  for (const item of Object.values(document.paths) as PathItemObject[]) {
    for (const method of METHODS) {
      const operation = item[method];
      if (operation) complete(operation);
    }
  }
  return document;
}

function complete(operation: Operation): void {
  const statuses = ANSWERED_BY_KIND.filter(({ when }) => when(operation)).flatMap(({ statuses }) => statuses);
  for (const status of statuses) operation.responses[status] ??= errorAnswer(status);
  for (const answer of Object.values(operation.responses) as ResponseObject[]) {
    answer.headers = { ...REQUEST_ID_HEADER, ...answer.headers };
  }
  if (isPublic(operation)) {
    operation.security = [];
    delete operation[PUBLIC_EXTENSION];
  } else {
    // The document's own requirement (either scheme): a controller's own @ApiBearerAuth() names none of them.
    delete operation.security;
  }
}

function isPublic(operation: Operation): boolean {
  return operation[PUBLIC_EXTENSION] === true;
}
