// The grant registry: adding a grant type is one file and one line here.
import type { LiveConfig } from '../../config/live.ts';
import { authorizationCode } from './authorization_code.ts';
import { clientCredentials } from './client_credentials.ts';
import { deviceCode } from './device_code.ts';
import type { Grant } from './grant.ts';
import { refreshToken } from './refresh_token.ts';
import { tokenExchange } from './token_exchange.ts';

export const GRANTS: ReadonlyMap<string, Grant> = new Map(
  [authorizationCode, refreshToken, clientCredentials, deviceCode, tokenExchange].map((grant) => [
    grant.grantType,
    grant,
  ]),
);

/** The capabilities some committed client has, per config snapshot: read once, not per token request. */
const offered = new WeakMap<LiveConfig, ReadonlySet<string>>();

/** Whether `grant` is on in `config`: always, or for an opt-in grant while some client has its capability. */
export function grantOffered(grant: Grant, config: LiveConfig): boolean {
  if (!grant.optIn || grant.capability === undefined) return true;
  let capabilities = offered.get(config);
  if (capabilities === undefined) {
    capabilities = new Set([...config.clients.values()].flatMap((c) => [...c.capabilities]));
    offered.set(config, capabilities);
  }
  return capabilities.has(grant.capability);
}
