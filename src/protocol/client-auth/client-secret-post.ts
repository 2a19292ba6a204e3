// client_secret_post: client_id and client_secret in the form body (RFC 6749 §2.3.1).
import type { PresentedCredentials } from './client-secret-basic.ts';

export function readPost(body: {
  client_id: string | undefined;
  client_secret: string | undefined;
}): PresentedCredentials | undefined {
  if (body.client_secret === undefined) return undefined;
  return { clientId: body.client_id ?? '', clientSecret: body.client_secret };
}
