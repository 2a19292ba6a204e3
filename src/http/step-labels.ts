// How a person reads an authenticator offered as another way through a step: "Use a passkey instead".
import type { AuthenticatorConfig } from '../config/schema.ts';

const LABELS: Record<AuthenticatorConfig['type'], string> = {
  'html-form': 'your password',
  totp: 'a code from your authenticator app',
  passkey: 'a passkey',
};

export const stepLabel = (a: Pick<AuthenticatorConfig, 'type' | 'id'>): string => LABELS[a.type] ?? a.id;
