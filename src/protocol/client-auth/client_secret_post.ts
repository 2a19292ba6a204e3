// client_secret_post: client_id and client_secret in the form body (RFC 6749 §2.3.1).
import type { ClientAuthMethod } from './method.ts';
import { verifySecret } from './secret.ts';

export const clientSecretPost = {
  name: 'client_secret_post',
  parameters: ['client_id', 'client_secret'],
  present: ({ params }) =>
    params['client_secret'] === undefined
      ? undefined
      : { clientId: params['client_id'] ?? '', proof: params['client_secret'] },
  verify: verifySecret,
} satisfies ClientAuthMethod;
