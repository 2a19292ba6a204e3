// response_type: required, and only "code" is offered (RFC 6749 §4.1.1, §4.1.2.1).
import { OAuthError } from '../errors.ts';
import type { AuthorizeCheck } from './request.ts';

export const responseTypeCheck = {
  name: 'response_type',
  section: 'RFC 6749 §4.1.1',
  redirectable: true,
  run(ctx) {
    const responseType = ctx.params.response_type;
    if (responseType === undefined) return new OAuthError('invalid_request', 'response_type is required');
    if (responseType !== 'code') {
      return new OAuthError(
        'unsupported_response_type',
        `response_type "${responseType}" is not supported; use "code"`,
      );
    }
    // §4.1.2.1: a client not allowed the code flow (a machine client) is unauthorized_client.
    if (!ctx.request.client!.capabilities.has('code')) {
      return new OAuthError('unauthorized_client', 'this client is not allowed the authorization code flow');
    }
    if (ctx.params.response_mode !== undefined && ctx.params.response_mode !== 'query') {
      return new OAuthError(
        'invalid_request',
        `response_mode "${ctx.params.response_mode}" is not supported; use "query"`,
      );
    }
    return undefined;
  },
} satisfies AuthorizeCheck;
