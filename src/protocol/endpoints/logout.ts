// RP-Initiated Logout 1.0: validate id_token_hint and post_logout_redirect_uri, then end the SSO session.
import type { ProtocolDeps } from '../deps.ts';
import { OAuthError } from '../errors.ts';
import { pickParams, type RawParams, refuseRepeated } from '../params/parse.ts';
import { redirectTo } from './authorize.ts';

export const LOGOUT_PARAMS = [
  'id_token_hint',
  'post_logout_redirect_uri',
  'state',
  'client_id',
  'logout_hint',
  'ui_locales',
] as const;

export type LogoutDecision =
  | { kind: 'error'; error: OAuthError }
  /** Log out; then go to `redirect`, or show a logged-out page. `confirm` asks the user first (§2: no hint). */
  | { kind: 'logout'; redirect: string | undefined; confirm: boolean; clientName: string | undefined };

export async function logoutEndpoint(raw: RawParams, deps: ProtocolDeps): Promise<LogoutDecision> {
  const { params, repeated } = pickParams(raw, LOGOUT_PARAMS);
  const repeatedError = refuseRepeated(repeated);
  if (repeatedError) return { kind: 'error', error: repeatedError };
  let clientId = params.client_id;
  if (params.id_token_hint !== undefined) {
    const hint = await deps.verifyIdTokenHint(params.id_token_hint);
    if (hint === undefined) {
      return {
        kind: 'error',
        error: new OAuthError('invalid_request', 'id_token_hint is not an ID token issued by this server'),
      };
    }
    // §2: when both are sent, client_id must be the ID token's audience.
    if (clientId !== undefined && clientId !== hint.aud) {
      return {
        kind: 'error',
        error: new OAuthError('invalid_request', 'client_id does not match the id_token_hint audience'),
      };
    }
    clientId = hint.aud;
  }
  const client = clientId === undefined ? undefined : await deps.clients.find(clientId);
  if (clientId !== undefined && !client)
    return { kind: 'error', error: new OAuthError('invalid_request', 'unknown client_id') };
  let redirect: string | undefined;
  if (params.post_logout_redirect_uri !== undefined) {
    // §3: exact match against the URIs registered for the client the request identifies.
    if (!client?.postLogoutRedirectUris.includes(params.post_logout_redirect_uri)) {
      return {
        kind: 'error',
        error: new OAuthError(
          'invalid_request',
          'post_logout_redirect_uri is not registered for the client (send id_token_hint or client_id)',
        ),
      };
    }
    redirect = redirectTo(params.post_logout_redirect_uri, { state: params.state });
  }
  return { kind: 'logout', redirect, confirm: params.id_token_hint === undefined, clientName: client?.name };
}
