// Admin UI sessions: a random cookie value, stored only as its SHA-256, with an absolute lifetime.
import { sha256 } from '../shared/crypto.ts';
import type { AdminDeps } from './deps.ts';

/** An admin session lasts a working day; there is no "remember me". */
export const ADMIN_SESSION_LIFETIME = 8 * 3600;

type Deps = Pick<AdminDeps, 'admin' | 'clock' | 'random'>;

export async function startAdminSession(deps: Deps, username: string): Promise<string> {
  const token = deps.random.token(32);
  const now = deps.clock.nowSeconds();
  await deps.admin.sessions.deleteExpired(now);
  await deps.admin.sessions.create({
    idHash: sha256(token),
    username,
    createdAt: now,
    expiresAt: now + ADMIN_SESSION_LIFETIME,
  });
  return token;
}

/** The admin the cookie belongs to, while the session lives and the account exists. */
export async function findAdminSession(deps: Deps, token: string | undefined): Promise<string | undefined> {
  if (token === undefined || token.length > 100) return undefined;
  const session = await deps.admin.sessions.find(sha256(token), deps.clock.nowSeconds());
  if (!session) return undefined;
  return (await deps.admin.users.find(session.username))?.username;
}

export async function endAdminSession(deps: Deps, token: string | undefined): Promise<void> {
  if (token !== undefined && token.length <= 100) await deps.admin.sessions.delete(sha256(token));
}
