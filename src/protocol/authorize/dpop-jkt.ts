// dpop_jkt (RFC 9449 §10): the authorization code is bound to the thumbprint of the client's DPoP key.
import { OAuthError } from '../errors.ts';
import type { AuthorizeCheck } from './request.ts';

/** §10: base64url of a SHA-256 JWK thumbprint (RFC 7638), 43 characters without padding. */
const THUMBPRINT = /^[A-Za-z0-9_-]{43}$/;

export const dpopJktCheck = {
  name: 'dpop_jkt',
  section: 'RFC 9449 §10',
  redirectable: true,
  run(ctx) {
    const jkt = ctx.params.dpop_jkt;
    if (jkt === undefined) return undefined;
    if (!THUMBPRINT.test(jkt)) {
      return new OAuthError(
        'invalid_request',
        'dpop_jkt must be the base64url SHA-256 JWK thumbprint of the DPoP key (43 characters)',
      );
    }
    ctx.request.dpopJkt = jkt;
    return undefined;
  },
} satisfies AuthorizeCheck;
