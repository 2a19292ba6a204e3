// none: a public client names itself with client_id alone and proves nothing (RFC 7591 §2, RFC 6749 §2.1).
import type { ClientAuthMethod } from './method.ts';

export const none = {
  name: 'none',
  parameters: ['client_id'],
  present: ({ params }) =>
    params['client_id'] === undefined ? undefined : { clientId: params['client_id'], proof: '' },
  // Nothing to check: the registry only lets a client registered for none get here.
  verify: async () => undefined,
} satisfies ClientAuthMethod;
