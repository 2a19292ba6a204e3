// The grant registry: adding a grant type is one file and one line here.
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
