// The gateway's API through openapi-fetch, typed by the client generated from its OpenAPI document
// (api/schema.ts): every path, body and answer below is checked by the compiler against the document.
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './api/schema';
import { apiError, CliError, networkError } from './cli-error';

export type Api = Client<paths>;

/** The paths of the document (and so of the client) start with it: a server URL given with it is taken too. */
const API_BASE_PATH = '/api/doctor-manager-api/v1';
/** Each request's time bound; the event stream of a sync has none (it lasts as long as the sync). */
const REQUEST_TIMEOUT_MS = 30_000;

/** The gateway's root URL from a server URL given with or without the API's base path. */
export function gatewayRoot(server: string): string {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new CliError(`--server must be a URL such as http://localhost:3000 (got "${server}")`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliError(`--server must be an http or https URL (got "${server}")`);
  const trimmed = url.toString().replace(/\/+$/, '');
  return trimmed.endsWith(API_BASE_PATH) ? trimmed.slice(0, -API_BASE_PATH.length) : trimmed;
}

/** A client of the server; `bearer` gives the credentials of each request (none for login). */
export function apiClient(server: string, bearer?: () => Promise<string>): Api {
  const client = createClient<paths>({
    baseUrl: gatewayRoot(server),
    fetch: async (request) => {
      const streaming = request.headers.get('accept') === 'text/event-stream';
      const signal = streaming ? request.signal : AbortSignal.any([request.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]);
      try {
        return await fetch(request, { signal });
      } catch (error) {
        if (request.signal.aborted) throw error;
        if ((error as Error).name === 'TimeoutError')
          throw new CliError(`the server at ${server} did not answer within ${REQUEST_TIMEOUT_MS / 1000} s`);
        throw networkError(server, error);
      }
    },
  });
  if (bearer) {
    client.use({
      onRequest: async ({ request }) => {
        request.headers.set('Authorization', `Bearer ${await bearer()}`);
        return request;
      },
    });
  }
  return client;
}

/** The answer's data, or a CliError naming `what` failed and the gateway's reason. */
export async function ok<T>(what: string, pending: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await pending;
  if (!response.ok || data === undefined) throw apiError(response.status, error, what);
  return data;
}
