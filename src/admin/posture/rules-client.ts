// Posture rules on how a client proves itself and what it gets: PKCE, secrets, consent, token lifetimes, DPoP.
import type { ClientConfig } from '../../config/schema.ts';
import { foreignRedirects } from './site.ts';
import type { PostureRule } from './types.ts';

const DAY = 86_400;
/** A refresh-token family living longer than this without rotation is flagged (RFC 9700 §4.14.2). */
export const REFRESH_WITHOUT_ROTATION_MAX = 30 * DAY;
/** Access tokens are bearer credentials; past an hour a stolen one stays useful too long. */
export const ACCESS_TOKEN_MAX = 3_600;

const isPublic = (c: ClientConfig) => c.token_endpoint_auth_method === 'none';
const codeFlow = (c: ClientConfig) => c.capabilities.includes('code');
const fapi2 = (c: ClientConfig) => c.profile === 'fapi2';
/** As config/live.ts compiles it: public clients rotate unless told not to (FAPI 2.0 ones do not by default). */
const rotates = (c: ClientConfig) => c.refresh_token.rotation ?? (isPublic(c) && !fapi2(c));
const dpopBound = (c: ClientConfig) => fapi2(c) || c.dpop_bound_access_tokens === true;
const one = (rule: string) => (warning: Omit<ReturnType<PostureRule['check']>[number], 'id'>) => [
  { id: rule, ...warning },
];

export const clientRules: PostureRule[] = [
  {
    id: 'pkce-not-required',
    check: (c) =>
      codeFlow(c) && !isPublic(c) && !fapi2(c) && c.require_pkce !== true
        ? one('pkce-not-required')({
            severity: 'medium',
            message:
              'This confidential client may use the code flow without PKCE. A client secret does not stop a stolen code from being injected into the client’s own session; PKCE does.',
            reference: 'RFC 9700 §2.1.1, §4.5',
            fix: { kind: 'patch', patch: { require_pkce: true }, summary: 'require PKCE' },
          })
        : [],
  },
  {
    id: 'pkce-plain',
    check: (c) =>
      codeFlow(c) && c.allow_plain_pkce
        ? one('pkce-plain')({
            severity: 'medium',
            message:
              'code_challenge_method=plain is accepted: the verifier then travels in the authorization request itself, where anyone who reads the request can use it. Only S256 keeps it secret.',
            reference: 'RFC 9700 §2.1.1, RFC 7636 §7.2',
            fix: { kind: 'patch', patch: { allow_plain_pkce: false }, summary: 'accept S256 only' },
          })
        : [],
  },
  {
    id: 'refresh-without-rotation',
    check: (c) => {
      if (!c.refresh_token.enabled || rotates(c)) return [];
      // RFC 9700 §2.2.2: a public client's refresh tokens MUST be sender-constrained or rotated.
      if (isPublic(c) && !dpopBound(c)) {
        return one('refresh-without-rotation')({
          severity: 'high',
          message:
            'This public client’s refresh tokens are neither rotated nor DPoP-bound: a leaked refresh token keeps working for whoever holds it, and nobody notices.',
          reference: 'RFC 9700 §2.2.2',
          fix: {
            kind: 'patch',
            patch: { refresh_token: { rotation: true } },
            summary: 'rotate refresh tokens',
          },
        });
      }
      if (isPublic(c) || c.refresh_token.lifetime <= REFRESH_WITHOUT_ROTATION_MAX) return [];
      const days = Math.round(c.refresh_token.lifetime / DAY);
      return one('refresh-without-rotation')({
        severity: 'medium',
        message: `Refresh tokens live ${days} days and are not rotated: a stolen one works for all that time, and reuse is never detected.`,
        reference: 'RFC 9700 §4.14.2',
        fix: {
          kind: 'patch',
          patch: { refresh_token: { rotation: true } },
          summary: 'rotate refresh tokens',
        },
      });
    },
  },
  {
    id: 'access-token-long',
    check: (c) =>
      c.access_token_lifetime > ACCESS_TOKEN_MAX
        ? one('access-token-long')({
            severity: 'low',
            message: `Access tokens live ${Math.round(c.access_token_lifetime / 60)} minutes. They cannot be recalled from a resource server that does not introspect, so a stolen one stays useful that long; an hour or less is the usual ceiling.`,
            reference: 'RFC 6819 §5.1.5.3, RFC 9700 §4.10',
            fix: {
              kind: 'patch',
              patch: { access_token_lifetime: ACCESS_TOKEN_MAX },
              summary: 'access tokens live one hour',
            },
          })
        : [],
  },
  {
    id: 'fapi-grade-without-dpop',
    check: (c) =>
      !dpopBound(c) &&
      c.token_endpoint_auth_method === 'private_key_jwt' &&
      c.require_pushed_authorization_requests === true
        ? one('fapi-grade-without-dpop')({
            severity: 'medium',
            message:
              'This client signs its authentication and pushes its requests (a FAPI-grade setup), yet its access tokens are bearer tokens: whoever copies one can use it. Bind them to the client’s key with DPoP.',
            reference: 'RFC 9700 §2.2.1, RFC 9449 §5.2',
            fix: {
              kind: 'patch',
              patch: { dpop_bound_access_tokens: true },
              summary: 'DPoP-bind access tokens',
            },
          })
        : [],
  },
  {
    id: 'consent-off-third-party',
    check: (c, context) => {
      if (!codeFlow(c) || c.consent_required) return [];
      const foreign = foreignRedirects(c.redirect_uris, context.issuer);
      if (foreign.length === 0) return [];
      return one('consent-off-third-party')({
        severity: 'high',
        message: `Users are never asked before this client gets their data, yet it sends codes to another site than the server’s (${foreign[0]}). A third party should be shown to the user and approved.`,
        reference: 'OpenID Connect Core §3.1.2.4, RFC 6749 §10.2',
        fix: { kind: 'patch', patch: { consent_required: true }, summary: 'ask users for consent' },
      });
    },
  },
  {
    id: 'secret-old',
    check: (c, context) => {
      const set = context.secretSetAt;
      if (set === undefined || context.now - set.at <= context.secretMaxAge) return [];
      const days = Math.floor((context.now - set.at) / DAY);
      const date = new Date(set.at * 1000).toISOString().slice(0, 10);
      return one('secret-old')({
        severity: 'medium',
        message: `The client secret was set ${days} days ago (revision ${set.revision}, ${date}). A shared secret that never changes stays valid for everyone who ever saw it: replace it, or move the client to private_key_jwt.`,
        reference: 'RFC 9700 §2.5, RFC 6819 §5.2.3',
        fix:
          c.token_endpoint_auth_method === 'none' || c.token_endpoint_auth_method === 'private_key_jwt'
            ? null
            : { kind: 'reset_secret', summary: 'generate a new secret (shown once)' },
      });
    },
  },
];
