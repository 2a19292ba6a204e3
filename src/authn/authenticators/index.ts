// The authenticator registry: one folder per type; adding one (TOTP, passkey) is a folder and a line here.
import type { AuthenticatorConfig } from '../../config/schema.ts';
import { htmlForm } from './html-form/index.ts';
import { oidc } from './oidc/index.ts';
import { passkey } from './passkey/index.ts';
import { totp } from './totp/index.ts';
import type { AuthenticatorType } from './types.ts';

export const AUTHENTICATORS = {
  'html-form': htmlForm,
  totp,
  passkey,
  oidc,
} as const satisfies Record<AuthenticatorConfig['type'], AuthenticatorType>;

export const AUTHENTICATOR_TYPES: readonly AuthenticatorType[] = Object.values(AUTHENTICATORS);

export function authenticatorType(type: string): AuthenticatorType | undefined {
  return Object.hasOwn(AUTHENTICATORS, type)
    ? AUTHENTICATORS[type as keyof typeof AUTHENTICATORS]
    : undefined;
}

/** The RFC 8176 amr values a session made by this authenticator established, or undefined if unknown. */
export function amrFor(
  authenticatorId: string,
  config: { authenticators: ReadonlyMap<string, AuthenticatorConfig> },
) {
  const found = config.authenticators.get(authenticatorId);
  return found && authenticatorType(found.type)?.amr;
}
