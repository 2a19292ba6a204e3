// The SSO session: a random cookie value, stored only as its hash, naming who logged in, how and when.
import type { Clock } from '../shared/clock.ts';
import { sha256 } from '../shared/crypto.ts';
import type { Random } from '../shared/random.ts';
import type { SessionStore } from '../store/ports/index.ts';

export const SESSION_COOKIE = 'tessera_sso';

export async function startSession(
  input: { accountId: string; authenticator: string; acr: string; lifetime: number },
  deps: { sessions: SessionStore; clock: Clock; random: Random },
): Promise<string> {
  const token = deps.random.token(32);
  const now = deps.clock.nowSeconds();
  await deps.sessions.create({
    idHash: sha256(token),
    accountId: input.accountId,
    authenticator: input.authenticator,
    acr: input.acr,
    authTime: now,
    expiresAt: now + input.lifetime,
  });
  return token;
}

export async function endSession(token: string | undefined, sessions: SessionStore): Promise<void> {
  if (token !== undefined) await sessions.delete(sha256(token));
}
