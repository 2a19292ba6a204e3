// The order of the authorization-request checks: first those that make the redirect URI trustworthy.
import type { ClientResolver } from '../../config/clients.ts';
import type { Client, LiveConfig } from '../../config/live.ts';
import type { OAuthError } from '../errors.ts';
import { multiValues, pickParams, type RawParams } from '../params/parse.ts';
import type { Tracer } from '../trace.ts';
import { acrCheck } from './acr.ts';
import { clientCheck } from './client.ts';
import { pkceCheck } from './code-challenge.ts';
import { dpopJktCheck } from './dpop-jkt.ts';
import { oidcParamsCheck } from './oidc.ts';
import { openidRedirectUriCheck } from './openid.ts';
import { promptCheck } from './prompt.ts';
import { redirectUriCheck } from './redirect-uri.ts';
import { repeatedCheck } from './repeated.ts';
import {
  AUTHORIZE_PARAMS,
  type AuthorizationRequest,
  type AuthorizeCheck,
  type CheckContext,
} from './request.ts';
import { resourceCheck } from './resource.ts';
import { responseTypeCheck } from './response-type.ts';
import { scopeCheck } from './scope.ts';
import { textCheck } from './text.ts';

export const AUTHORIZE_CHECKS: readonly AuthorizeCheck[] = [
  clientCheck,
  redirectUriCheck,
  openidRedirectUriCheck,
  repeatedCheck,
  textCheck,
  responseTypeCheck,
  scopeCheck,
  resourceCheck,
  pkceCheck,
  dpopJktCheck,
  promptCheck,
  oidcParamsCheck,
  acrCheck,
];

export type Validation =
  | { ok: true; request: AuthorizationRequest }
  | { ok: false; error: OAuthError; redirect?: { uri: string; state: string | undefined } };

/** The client a request's client_id names (one value only; a repeated one is the pipeline's error). */
export async function resolveClientFor(raw: RawParams, clients: ClientResolver): Promise<Client | undefined> {
  const clientId = Object.hasOwn(raw, 'client_id') ? raw['client_id'] : undefined;
  return typeof clientId === 'string' && clientId !== '' ? clients.find(clientId) : undefined;
}

/** The checks in order; `client` is what resolveClientFor found (committed clients when omitted). */
export function validateAuthorizationRequest(
  raw: RawParams,
  config: LiveConfig,
  trace?: Tracer,
  client?: Client,
): Validation {
  const { params, repeated } = pickParams(raw, AUTHORIZE_PARAMS);
  const multi: CheckContext['multi'] = { resource: multiValues(raw, 'resource') };
  const ctx: CheckContext = {
    params,
    repeated,
    multi,
    config,
    client: client ?? (params.client_id === undefined ? undefined : config.clients.get(params.client_id)),
    request: { resources: [], dpopJkt: undefined },
  };
  for (const check of AUTHORIZE_CHECKS) {
    const error = check.run(ctx);
    trace?.step(
      error
        ? {
            stage: 'authorize',
            name: check.name,
            ok: false,
            section: check.section,
            code: error.code,
            description: error.description,
          }
        : { stage: 'authorize', name: check.name, ok: true, section: check.section },
    );
    if (!error) continue;
    if (!check.redirectable) return { ok: false, error };
    // RFC 6749 §4.1.2.1: once client and redirect URI are valid, errors go back to the client with its state.
    const state = repeated.includes('state') ? undefined : params.state;
    return { ok: false, error, redirect: { uri: ctx.request.redirectUri!, state } };
  }
  return { ok: true, request: ctx.request as AuthorizationRequest };
}
