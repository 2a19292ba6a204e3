// The acr value an authenticator stamps on the sessions it makes, in the seed's URN shape; discovery
// publishes the same values, so both read them from here.
import type { AuthenticatorConfig } from './schema.ts';

export const acrFor = (authenticator: Pick<AuthenticatorConfig, 'id' | 'type'>): string =>
  `urn:tessera:authentication:${authenticator.type}:${authenticator.id}`;
