// The emailed links' keyed hash and public address, one definition for the server (main.ts) and the CLI's sends.
import type { AuthnDeps } from '../authn/deps.ts';
import { PATHS } from '../config/endpoints.ts';
import type { SecretHasher } from '../keys/secrets.ts';

/** `base` is the server's public URL: a link the CLI sends opens on the server, which must find its hash. */
export function emailLinks(
  secrets: SecretHasher,
  base: string,
): Pick<AuthnDeps, 'emailLinkHash' | 'emailLinkUrl'> {
  return {
    // Keyed like client secrets (keys/secrets.ts), under its own label: a leaked table opens no link.
    emailLinkHash: (token) => secrets.hash(`email-link\u0000${token}`),
    emailLinkUrl: (purpose, token) =>
      `${base}${PATHS.authn}/${purpose === 'verify_email' ? 'verify-email' : 'reset-password'}?${new URLSearchParams({ token })}`,
  };
}
