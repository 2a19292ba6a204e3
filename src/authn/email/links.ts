// Issuing an emailed link (verification, password reset): the newest link is the one that works.
import type { EmailTokenPurpose } from '../../store/ports/index.ts';
import type { AuthnDeps } from '../deps.ts';

/**
 * Ends the account's older links of this purpose, stores the new one's keyed hash for `lifetime` seconds
 * and returns the link's URL; the token itself is never stored.
 */
export async function issueEmailLink(
  deps: Pick<AuthnDeps, 'random' | 'emailTokens' | 'emailLinkHash' | 'emailLinkUrl'>,
  link: { purpose: EmailTokenPurpose; accountId: string; email: string; now: number; lifetime: number },
): Promise<string> {
  const token = deps.random.token(32);
  // Revoked first, so the new one is not among them.
  await deps.emailTokens.revokeForAccount(link.accountId, link.purpose);
  await deps.emailTokens.create({
    hash: deps.emailLinkHash(token),
    purpose: link.purpose,
    accountId: link.accountId,
    email: link.email,
    createdAt: link.now,
    expiresAt: link.now + link.lifetime,
  });
  return deps.emailLinkUrl(link.purpose, token);
}
