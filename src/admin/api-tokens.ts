// Admin API tokens: 256 random bits shown once at creation, stored as SHA-256, revocable at any time.
import { sha256 } from '../shared/crypto.ts';
import type { ApiToken } from '../store/ports/index.ts';
import type { AdminDeps } from './deps.ts';
import { AdminError } from './errors.ts';
import type { Principal } from './principal.ts';

/** A recognisable prefix lets secret scanners find leaked tokens. */
export const API_TOKEN_PREFIX = 'tsr_';

type Deps = Pick<AdminDeps, 'admin' | 'clock' | 'random'>;

export async function createApiToken(
  deps: Deps,
  input: { name: string; owner: string },
): Promise<{ token: ApiToken; secret: string }> {
  const name = input.name.trim();
  if (name.length < 1 || name.length > 100) {
    throw new AdminError('invalid_request', 'the token needs a name', {
      issues: [{ path: 'name', message: 'Give the token a name of 1-100 characters.' }],
    });
  }
  const secret = API_TOKEN_PREFIX + deps.random.token(32);
  const token: ApiToken = {
    id: deps.random.uuid(),
    hash: sha256(secret),
    name,
    owner: input.owner,
    createdAt: deps.clock.nowSeconds(),
    revokedAt: null,
  };
  await deps.admin.tokens.create(token);
  return { token, secret };
}

/** The principal a bearer token acts as, or undefined for an unknown or revoked token. */
export async function authenticateApiToken(deps: Deps, presented: string): Promise<Principal | undefined> {
  if (!presented.startsWith(API_TOKEN_PREFIX) || presented.length > 100) return undefined;
  const token = await deps.admin.tokens.findByHash(sha256(presented));
  if (!token || token.revokedAt !== null) return undefined;
  // A token dies with its admin account.
  if (!(await deps.admin.users.find(token.owner))) return undefined;
  return { via: 'token', username: token.owner, tokenId: token.id, tokenName: token.name };
}

export async function revokeApiToken(deps: Deps, id: string): Promise<void> {
  if (!(await deps.admin.tokens.revoke(id, deps.clock.nowSeconds()))) {
    throw new AdminError('not_found', 'no such active token');
  }
}
