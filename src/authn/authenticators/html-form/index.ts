// The html-form authenticator: username and password on a form, with optional self-service registration.

import { acrFor } from '../../../config/acr.ts';
import { htmlFormAuthenticatorSchema } from '../../../config/schema.ts';
import type { AuthenticatorType } from '../types.ts';
import { htmlFormAmr } from './amr.ts';
import { login } from './login.ts';
import { register } from './register.ts';

export const htmlForm = {
  type: 'html-form',
  role: 'first',
  configSchema: htmlFormAuthenticatorSchema,
  acr: acrFor,
  amr: htmlFormAmr,
  pages: {
    login: {
      view: 'login',
      title: 'Log in',
      fields: [{ name: 'username' }, { name: 'password', secret: true }],
    },
    register: {
      view: 'register',
      title: 'Create account',
      fields: [{ name: 'username' }, { name: 'password', secret: true }, { name: 'name' }, { name: 'email' }],
    },
  },
  // OIDC Core §3.1.2.1 login_hint: prefill the username the client suggested.
  prefill: (query) => ({ username: (query['login_hint'] ?? '').slice(0, 64) }),
  login,
  registrationOpen: (config) => config.type === 'html-form' && config.registration,
  register,
} as const satisfies AuthenticatorType;
