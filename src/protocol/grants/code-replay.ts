// Authorization codes are single use (RFC 6749 §4.1.2): a second redemption fails, and because it means
// the code leaked, the server revokes every token issued from it (RFC 6749 §4.1.2, RFC 9700 §4.2.4).
import type { ConsumeResult, GrantStore } from '../../store/ports/index.ts';
import { OAuthError } from '../errors.ts';

/** The rule needs only the grant store, so it runs the same against any node's store. */
export interface GrantDeps {
  grants: GrantStore;
}

export const CODE_REPLAYED = 'the authorization code was already used; tokens issued for it are revoked';

/** The code came back after it was redeemed: the grant it started is revoked whole. */
export async function codeReplayed(grantId: string, now: number, deps: GrantDeps): Promise<OAuthError> {
  await deps.grants.revokeGrant(grantId, now);
  return new OAuthError('invalid_grant', CODE_REPLAYED);
}

/** What a consumption's outcome means for the caller: undefined when the tokens were issued. */
export async function consumed(
  result: ConsumeResult,
  now: number,
  deps: GrantDeps,
): Promise<OAuthError | undefined> {
  switch (result.status) {
    case 'consumed':
      return undefined;
    case 'used':
      // Two redemptions raced and this one lost: the winner's tokens go too.
      return codeReplayed(result.grantId, now, deps);
    case 'revoked':
      // Revoked while this request was signing (consent withdrawn, logout, a replay): nothing is issued.
      return new OAuthError('invalid_grant', 'the authorization grant was revoked');
    case 'missing':
      return new OAuthError(
        'invalid_grant',
        'the authorization code is invalid, expired or was issued to another client',
      );
  }
}
