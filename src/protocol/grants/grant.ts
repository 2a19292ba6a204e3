// The shape every grant type file exports; the registry lists them.
import type { Client } from '../../config/live.ts';
import type { ProtocolDeps } from '../deps.ts';
import type { OAuthError } from '../errors.ts';
import type { Params } from '../params/parse.ts';
import type { TokenResponse } from '../tokens/response.ts';

export const TOKEN_PARAMS = [
  'grant_type',
  'code',
  'redirect_uri',
  'code_verifier',
  'refresh_token',
  'scope',
  'client_id',
  'client_secret',
] as const;

export type TokenParam = (typeof TOKEN_PARAMS)[number];

export interface Grant {
  grantType: string;
  handle(params: Params<TokenParam>, client: Client, deps: ProtocolDeps): Promise<TokenResponse | OAuthError>;
}
