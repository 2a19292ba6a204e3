// The one-time setup link: works while no admin exists, derived from a stored salt so every process prints the same one.
import { hmacSha256, safeEqual } from '../shared/crypto.ts';
import type { Random } from '../shared/random.ts';
import type { AdminUserStore } from '../store/ports/index.ts';

/**
 * The token is an HMAC of the stored salt under a key derived from the master key: the database alone
 * does not reveal it, restarts and cluster workers agree on it, and it dies with the first admin.
 */
const derive = (key: Buffer, salt: string) => hmacSha256(key, `admin-setup:${salt}`);

/** The setup token, or null once an admin exists. */
export async function setupToken(users: AdminUserStore, key: Buffer, random: Random): Promise<string | null> {
  if ((await users.list()).length > 0) return null;
  return derive(key, await users.setupSalt(random.token(16)));
}

export async function checkSetupToken(
  users: AdminUserStore,
  key: Buffer,
  random: Random,
  presented: unknown,
): Promise<boolean> {
  if (typeof presented !== 'string' || presented.length > 100) return false;
  const expected = await setupToken(users, key, random);
  return expected !== null && safeEqual(expected, presented);
}
