// Starts the request trace of a protocol request and records how it ended, with every value redacted.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OAuthError } from '../protocol/errors.ts';
import { redactParams, redactValue } from '../tools/redact.ts';
import type { RequestTrace, TraceRing } from '../tools/traces.ts';

export function startTrace(
  traces: TraceRing,
  request: FastifyRequest,
  endpoint: string,
  params: Readonly<Record<string, unknown>> | undefined,
): RequestTrace {
  const headers: Record<string, string> = {};
  const { authorization, dpop } = request.headers;
  if (typeof authorization === 'string')
    headers['authorization'] = redactValue('authorization', authorization);
  if (typeof dpop === 'string') headers['dpop'] = redactValue('dpop', dpop);
  const clientId = params?.['client_id'];
  return traces.start({
    id: request.id,
    method: request.method,
    path: request.url.split('?')[0] ?? request.url,
    endpoint,
    clientId: typeof clientId === 'string' ? clientId : undefined,
    params: redactParams(params),
    headers,
  });
}

/** A redirect's target as a trace keeps it: the query's codes and tokens cut to a prefix. */
export function redactLocation(location: string): string {
  const url = new URL(location, 'http://relative.invalid');
  const query = redactParams(Object.fromEntries(url.searchParams));
  // For reading, not for sending: the values stay as they are (the page escapes them).
  const search = Object.entries(query)
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const base = url.origin === 'http://relative.invalid' ? url.pathname : `${url.origin}${url.pathname}`;
  return search === '' ? base : `${base}?${search}`;
}

export function finishTrace(
  trace: RequestTrace,
  reply: FastifyReply,
  status: number,
  error?: OAuthError,
  location?: string,
): void {
  reply.header('x-request-id', trace.record.id);
  trace.finish({
    status,
    ...(error ? { error: error.code, description: error.description } : {}),
    ...(location === undefined ? {} : { redirect: redactLocation(location) }),
  });
}
