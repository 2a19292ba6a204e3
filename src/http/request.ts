// Small request helpers shared by the routes: media type, form bodies, the SSO session cookie, CORS.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from '../authn/sessions.ts';
import { PATHS } from '../config/endpoints.ts';
import type { LiveConfig } from '../config/live.ts';
import type { ClientRequest } from '../protocol/endpoints/client-request.ts';
import type { RawParams } from '../protocol/params/parse.ts';
import type { AppDeps } from './context.ts';

export const mediaType = (request: FastifyRequest): string | undefined =>
  request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();

export function formBody(request: FastifyRequest): RawParams | undefined {
  return mediaType(request) === 'application/x-www-form-urlencoded' ? (request.body as RawParams) : undefined;
}

export function clientRequest(request: FastifyRequest): ClientRequest {
  return {
    contentType: mediaType(request),
    body: (request.body as RawParams | null) ?? {},
    authorization: request.headers.authorization,
    dpop: request.headers['dpop'],
  };
}

export function sessionToken(request: FastifyRequest): string | undefined {
  return request.cookies[SESSION_COOKIE];
}

/** CORS for browser clients (SPAs): only origins some client registered may read the response. */
export function allowOrigin(request: FastifyRequest, reply: FastifyReply, config: LiveConfig): boolean {
  const origin = request.headers.origin;
  reply.header('vary', 'Origin');
  if (origin === undefined) return false;
  for (const client of config.clients.values()) {
    if (client.corsOrigins.has(origin)) {
      reply.header('access-control-allow-origin', origin);
      return true;
    }
  }
  return false;
}

export function preflight(deps: AppDeps) {
  return (request: FastifyRequest, reply: FastifyReply) => {
    if (allowOrigin(request, reply, deps.protocol.config())) {
      reply
        .header('access-control-allow-methods', 'GET, POST')
        .header('access-control-allow-headers', 'authorization, content-type, dpop')
        .header('access-control-max-age', '600');
    }
    return reply.code(204).send();
  };
}

/** Where a login or consent may send the browser next: only Tessera's own pages, so no open redirect. */
export function safeReturnPath(value: unknown, prefix: string): string {
  // Our own return paths are URLSearchParams output: printable ASCII only. Anything else (a control
  // character, a space, non-ASCII, a backslash) was not made here and must never reach a Location header.
  if (typeof value !== 'string' || /[^\x21-\x7e]|\\/.test(value)) return '';
  if (value.startsWith(`${prefix}${PATHS.authorize}?`)) return value;
  // RFC 8628 §3.3: back to the device confirmation after the login.
  if (value.startsWith(`${prefix}${PATHS.device}/confirm?`)) return value;
  return value === `${prefix}${PATHS.authn}/account` ? value : '';
}

/** A `prompt` the Authentication Service passes on to another OpenID Provider (protocol/deps.ts), or undefined. */
export const upstreamPrompt = (value: unknown): 'login' | 'select_account' | undefined =>
  value === 'login' || value === 'select_account' ? value : undefined;
