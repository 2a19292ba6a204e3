// client_id must name a registered client that may use the code flow (RFC 6749 §4.1.1).
import { OAuthError } from '../errors.ts';
import type { AuthorizeCheck } from './request.ts';

export const clientCheck = {
  name: 'client',
  section: 'RFC 6749 §4.1.1',
  redirectable: false,
  run(ctx) {
    if (ctx.repeated.includes('client_id'))
      return new OAuthError('invalid_request', 'client_id must not be repeated');
    const clientId = ctx.params.client_id;
    if (clientId === undefined) return new OAuthError('invalid_request', 'client_id is required');
    const client = ctx.client?.client_id === clientId ? ctx.client : undefined;
    if (!client)
      return new OAuthError('invalid_request', 'unknown client_id', { detail: `client_id=${clientId}` });
    ctx.request.client = client;
    return undefined;
  },
} satisfies AuthorizeCheck;
