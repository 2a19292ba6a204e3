// grant_type=client_credentials (RFC 6749 §4.4): a confidential client acting for itself; no refresh or ID token.
import { STANDARD_SCOPES } from '../../config/schema.ts';
import { OAuthError } from '../errors.ts';
import { parseScope } from '../params/parse.ts';
import { accessTarget } from '../tokens/audience.ts';
import { issueTokens } from '../tokens/response.ts';
import type { Grant } from './grant.ts';

/** OIDC's scopes speak for a user, and this grant has none. */
const USER_SCOPES: ReadonlySet<string> = new Set(Object.keys(STANDARD_SCOPES));

export const clientCredentials = {
  grantType: 'client_credentials',
  capability: 'client_credentials',
  async handle(params, client, deps, request) {
    // §4.4.2: only confidential clients; a bare client_id authenticates nobody.
    if (client.public) {
      return new OAuthError(
        'unauthorized_client',
        'client credentials needs an authenticated confidential client',
      );
    }
    const requested = parseScope(params.scope);
    if (requested instanceof OAuthError) return requested;
    const refused = requested.filter((s) => !client.scopes.has(s) || USER_SCOPES.has(s));
    if (refused.length > 0) {
      return new OAuthError(
        'invalid_scope',
        `scope not allowed for client credentials: ${refused.join(' ')}`,
      );
    }
    // §3.3: no scope asked for means the client's own (its machine scopes).
    const scope = requested.length > 0 ? requested : [...client.scopes].filter((s) => !USER_SCOPES.has(s));
    const target = accessTarget(client, deps.config(), request.resources, null, scope.join(' '));
    if (target instanceof OAuthError) return target;
    const lost = requested.filter((s) => !target.accessScope.split(' ').includes(s));
    if (target.audience !== null && lost.length > 0) {
      return new OAuthError('invalid_scope', `the API does not accept scope: ${lost.join(' ')}`);
    }
    const now = deps.clock.nowSeconds();
    const grantId = deps.random.uuid();
    const issued = await issueTokens(
      {
        client,
        grantId,
        accountId: '',
        scope: scope.join(' '),
        authTime: now,
        acr: '',
        nonce: null,
        claims: null,
        // §4.4.3: a refresh token SHOULD NOT be included.
        refresh: { kind: 'none' },
        ...target,
        resources: null,
        jkt: request.jkt,
      },
      deps,
    );
    const opened = await deps.grants.openGrant(
      { id: grantId, clientId: client.client_id, accountId: '', sessionHash: null, expiresAt: now },
      now,
      issued.records,
    );
    if (opened.status !== 'issued') return new OAuthError('invalid_grant', 'the grant was revoked');
    return issued.response;
  },
} satisfies Grant;
