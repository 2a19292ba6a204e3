// Refresh-token rotation with reuse detection (RFC 9700 §4.14.2): each refresh token is exchanged once
// for a successor; one presented again after the grace window means a stolen copy, and the whole grant
// is revoked. Within the window a client that lost the response may retry.
import type { TokenRecord } from '../../store/ports/index.ts';
import { OAuthError } from '../errors.ts';
import type { GrantDeps } from './code-replay.ts';

const revoked = () =>
  new OAuthError('invalid_grant', 'the refresh token is invalid, revoked or was issued to another client');

/** Exchanges the refresh token `hash` for `successors`; undefined when they were issued. */
export async function rotateRefresh(
  hash: string,
  now: number,
  graceSeconds: number,
  successors: readonly TokenRecord[],
  deps: GrantDeps,
): Promise<OAuthError | undefined> {
  const result = await deps.grants.rotateRefreshToken(hash, now, successors);
  switch (result.status) {
    case 'rotated':
      return undefined;
    case 'already_rotated': {
      // A client retrying a rotation whose response it lost is not an attacker replaying a stolen token.
      if (graceSeconds > 0 && now - result.rotatedAt <= graceSeconds) {
        const again = await deps.grants.issue(result.grantId, hash, now, successors);
        return again.status === 'issued' ? undefined : revoked();
      }
      await deps.grants.revokeGrant(result.grantId, now);
      return new OAuthError(
        'invalid_grant',
        'the refresh token was already used; every token of this grant is revoked',
      );
    }
    case 'revoked':
    case 'missing':
      return revoked();
  }
}

/** Without rotation the refresh token stays; what it issues is saved only while it and its grant are live. */
export async function refreshWithoutRotation(
  hash: string,
  grantId: string,
  now: number,
  issued: readonly TokenRecord[],
  deps: GrantDeps,
): Promise<OAuthError | undefined> {
  const result = await deps.grants.issue(grantId, hash, now, issued);
  return result.status === 'issued' ? undefined : revoked();
}
