// Device authorization endpoint (RFC 8628 §3.1, §3.2): a device asks for a device code and a user code to show.

import { formatUserCode, generateUserCode, hashUserCode } from '../../shared/user-code.ts';
import type { ProtocolDeps } from '../deps.ts';
import { OAuthError } from '../errors.ts';
import { parseScope } from '../params/parse.ts';
import { allowedApis, readResources } from '../tokens/audience.ts';
import { mint } from '../tokens/opaque.ts';
import { traceCheck } from '../trace.ts';
import { type ClientRequest, readClientRequest } from './client-request.ts';

/** §3.2 */
export interface DeviceAuthorizationResponse {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

export const DEVICE_AUTHORIZATION_PARAMS = ['scope'] as const;

/** A clash of user codes is rare (2^34 codes); a few draws make a stored one practically certain. */
const USER_CODE_DRAWS = 5;

export async function deviceAuthorizationEndpoint(
  input: ClientRequest,
  deps: ProtocolDeps,
): Promise<DeviceAuthorizationResponse | OAuthError> {
  // §3.1: a client with credentials authenticates as at the token endpoint; a public one sends client_id.
  const read = await readClientRequest(input, DEVICE_AUTHORIZATION_PARAMS, deps);
  if (read instanceof OAuthError) return read;
  const { params, client } = read;
  const refuse = (name: string, section: string, error: OAuthError) => {
    traceCheck(input.trace, 'grant', name, section, error);
    return error;
  };
  if (!client.capabilities.has('device_code'))
    return refuse(
      'capability',
      'RFC 8628 §3.1',
      new OAuthError('unauthorized_client', 'this client may not use the device authorization grant'),
    );
  const scope = parseScope(params.scope);
  if (scope instanceof OAuthError) return refuse('scope', 'RFC 6749 §3.3', scope);
  const config = deps.config();
  const refused = scope.filter((s) => !client.scopes.has(s) || !config.scopes.has(s));
  if (refused.length > 0)
    return refuse(
      'scope',
      'RFC 6749 §3.3',
      new OAuthError('invalid_scope', `scope not allowed for this client: ${refused.join(' ')}`),
    );
  // RFC 8707 §2: each resource must be an API the client may use; the token request may narrow them.
  const resources = readResources(input.body);
  if (resources instanceof OAuthError) return refuse('resource', 'RFC 8707 §2', resources);
  const apis = allowedApis(client, config, resources);
  if (apis instanceof OAuthError) return refuse('resource', 'RFC 8707 §2', apis);

  const now = deps.clock.nowSeconds();
  const device = mint(deps.random);
  const lifetime = deps.server.deviceCodeLifetime;
  const interval = deps.server.devicePollInterval;
  for (let draw = 0; draw < USER_CODE_DRAWS; draw++) {
    const userCode = generateUserCode(deps.random);
    const stored = await deps.deviceCodes.create({
      hash: device.hash,
      userCodeHash: hashUserCode(userCode),
      clientId: client.client_id,
      scope: scope.join(' '),
      resource: resources.length > 0 ? resources.join(' ') : null,
      expiresAt: now + lifetime,
      interval,
    });
    if (!stored) continue;
    traceCheck(input.trace, 'grant', 'device code', 'RFC 8628 §3.2', undefined, 'device code issued');
    const shown = formatUserCode(userCode);
    return {
      device_code: device.value,
      user_code: shown,
      verification_uri: deps.endpoints.device,
      // §3.3.1: the code in the URI saves typing; the page still asks the user to confirm it (§5.4).
      verification_uri_complete: `${deps.endpoints.device}?${new URLSearchParams({ user_code: shown })}`,
      expires_in: lifetime,
      interval,
    };
  }
  return new OAuthError('temporarily_unavailable', 'no free user code was found; try again');
}
