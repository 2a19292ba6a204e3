// WebAuthn challenges: issued with a handle the browser keeps in a cookie, stored server-side, taken once.

import type { Clock } from '../../shared/clock.ts';
import { sha256 } from '../../shared/crypto.ts';
import type { Random } from '../../shared/random.ts';
import type { PasskeyChallenge, PasskeyStore } from '../../store/ports/index.ts';

/** The cookie that binds a challenge to the browser it was given to. */
export const CHALLENGE_COOKIE = 'tessera_webauthn';

/** Seconds a challenge may be answered (WebAuthn L3 §15.4 recommends a timeout of 300 s for UV). */
export const CHALLENGE_LIFETIME = 300;

/** Our handles are 43 characters; anything much longer is not one of ours and is not hashed. */
const MAX_HANDLE = 100;

type Deps = { passkeys: PasskeyStore; clock: Clock; random: Random };

/** Stores `challenge` for `purpose`; returns the handle for the browser's cookie. */
export async function saveChallenge(
  input: { challenge: string; purpose: PasskeyChallenge['purpose']; accountId: string | null },
  deps: Deps,
): Promise<string> {
  const handle = deps.random.token(32);
  const now = deps.clock.nowSeconds();
  await deps.passkeys.saveChallenge(
    { handleHash: sha256(handle), ...input, expiresAt: now + CHALLENGE_LIFETIME },
    now,
  );
  return handle;
}

/**
 * The challenge the browser's handle names, taken so it is never answered twice (WebAuthn L3 §13.4.3), if it
 * is live and was issued for this purpose and account; otherwise undefined (and it is spent all the same).
 */
export async function takeChallenge(
  handle: string | undefined,
  expect: { purpose: PasskeyChallenge['purpose']; accountId: string | null },
  deps: Deps,
): Promise<string | undefined> {
  if (!handle || handle.length > MAX_HANDLE) return undefined;
  const found = await deps.passkeys.takeChallenge(sha256(handle), deps.clock.nowSeconds());
  if (!found || found.purpose !== expect.purpose || found.accountId !== expect.accountId) return undefined;
  return found.challenge;
}
