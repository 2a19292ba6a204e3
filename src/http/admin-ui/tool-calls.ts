// The flow explorer's calls to Tessera's own endpoints, made server-side through the app (no network), each kept raw.

import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { redactValue } from '../../tools/redact.ts';

export interface Exchange {
  title: string;
  /** The request as sent, its secret hidden (the tokens are the admin's own test tokens: shown). */
  request: string;
  status: number;
  body: string;
  requestId: string;
}

const basicOf = (clientId: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;

const pretty = (text: string) => {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
};

export interface Caller {
  app: FastifyInstance;
  /** Request ids of the explorer's calls start with this, so their traces are found too. */
  idPrefix: string;
  clientId: string;
  /** Only for the one call it is typed in for: never stored. */
  secret: string | undefined;
}

/** A form POST to a client endpoint, authenticated with HTTP Basic when there is a secret. */
export async function postForm(
  caller: Caller,
  title: string,
  path: string,
  form: Record<string, string>,
): Promise<Exchange> {
  const body = new URLSearchParams(
    caller.secret === undefined ? { ...form, client_id: caller.clientId } : form,
  );
  const requestId = `${caller.idPrefix}-${randomUUID().slice(0, 8)}`;
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    'x-request-id': requestId,
  };
  if (caller.secret !== undefined) headers['authorization'] = basicOf(caller.clientId, caller.secret);
  const response = await caller.app.inject({ method: 'POST', url: path, headers, payload: body.toString() });
  const shownHeaders =
    caller.secret === undefined
      ? ''
      : `Authorization: ${redactValue('authorization', headers['authorization']!)}\n`;
  return {
    title,
    request: `POST ${path}\nContent-Type: application/x-www-form-urlencoded\n${shownHeaders}\n${decodeURIComponent(body.toString().replaceAll('+', ' ')).replaceAll('&', '\n&')}`,
    status: response.statusCode,
    body: pretty(response.body),
    requestId,
  };
}

/** UserInfo with the access token as a Bearer token (RFC 6750 §2.1). */
export async function getUserinfo(caller: Caller, path: string, accessToken: string): Promise<Exchange> {
  const requestId = `${caller.idPrefix}-${randomUUID().slice(0, 8)}`;
  const response = await caller.app.inject({
    method: 'GET',
    url: path,
    headers: { authorization: `Bearer ${accessToken}`, 'x-request-id': requestId },
  });
  return {
    title: 'UserInfo',
    request: `GET ${path}\nAuthorization: Bearer ${accessToken}`,
    status: response.statusCode,
    body: pretty(response.body),
    requestId,
  };
}
