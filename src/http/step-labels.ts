// How a person reads an authenticator offered as another way through a step: "Use a passkey instead".
import type { AuthenticatorConfig } from '../config/schema.ts';

const LABELS: Record<Exclude<AuthenticatorConfig['type'], 'oidc'>, string> = {
  'html-form': 'your password',
  totp: 'a code from your authenticator app',
  passkey: 'a passkey',
};

/** An upstream provider reads by its name: "Use your Acme account instead". */
export const stepLabel = (a: Pick<AuthenticatorConfig, 'type' | 'id'> & { name?: string }): string =>
  a.type === 'oidc' ? `your ${a.name ?? a.id} account` : (LABELS[a.type] ?? a.id);
