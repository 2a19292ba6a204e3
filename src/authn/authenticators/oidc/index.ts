// Login through another OpenID Provider: a first factor whose login page sends the browser upstream.
// PLACEHOLDER while the upstream flow is built (issue 16): it refuses every login.
import { acrFor } from '../../../config/acr.ts';
import { oidcAuthenticatorSchema } from '../../../config/schema.ts';
import type { AuthenticatorType } from '../types.ts';

export const oidc = {
  type: 'oidc',
  role: 'first',
  configSchema: oidcAuthenticatorSchema,
  acr: acrFor,
  amr: [],
  pages: { login: { view: 'login', title: 'Log in', fields: [] } },
  prefill: () => ({}),
  login: async () => ({ kind: 'rejected', error: 'Not available yet.', values: {} }),
  registrationOpen: () => false,
} as const satisfies AuthenticatorType;
