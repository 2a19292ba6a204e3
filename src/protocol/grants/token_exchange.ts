// grant_type=urn:ietf:params:oauth:grant-type:token-exchange (RFC 8693): a token for an API from a token the client holds.
import { OAuthError } from '../errors.ts';
import { mintExchanged } from '../exchange/issue.ts';
import { readPresented } from '../exchange/presented.ts';
import { actClaim, exchangeAudience, exchangeScope } from '../exchange/rules.ts';
import { presentedType, TOKEN_TYPE_URI } from '../exchange/token-types.ts';
import { parseScope } from '../params/parse.ts';
import type { Grant } from './grant.ts';

const invalid = (description: string) => new OAuthError('invalid_request', description);

export const tokenExchange = {
  grantType: 'urn:ietf:params:oauth:grant-type:token-exchange',
  capability: 'token_exchange',
  // Off, and out of discovery, while no client has a token-exchange policy.
  optIn: true,
  async handle(params, client, deps, request) {
    const policy = client.tokenExchange;
    if (!policy) return new OAuthError('unauthorized_client', 'this client may not exchange tokens');
    // §2.1: subject_token and subject_token_type are REQUIRED; actor_token_type goes with actor_token only.
    if (params.subject_token === undefined) return invalid('subject_token is required');
    if (params.subject_token_type === undefined) return invalid('subject_token_type is required');
    if (params.actor_token !== undefined && params.actor_token_type === undefined)
      return invalid('actor_token_type is required with actor_token (RFC 8693 section 2.1)');
    if (params.actor_token === undefined && params.actor_token_type !== undefined)
      return invalid('actor_token_type must not be sent without actor_token (RFC 8693 section 2.1)');
    // Only access tokens: a refresh token would let the exchanged access outlive the subject token, and an
    // ID token would assert a login to a client the user never signed in to.
    const requested = params.requested_token_type;
    if (requested !== undefined && requested !== TOKEN_TYPE_URI.access_token)
      return invalid(
        `token exchange issues access tokens only: requested_token_type must be ${TOKEN_TYPE_URI.access_token}`,
      );
    const delegated = params.actor_token !== undefined;
    if (delegated && !policy.delegation)
      return new OAuthError(
        'unauthorized_client',
        'this client may not exchange tokens for an actor (delegation)',
      );
    if (!delegated && !policy.impersonation)
      return new OAuthError(
        'unauthorized_client',
        'this client may exchange tokens only with an actor_token (delegation)',
      );
    const subjectType = presentedType(
      params.subject_token_type,
      'subject_token_type',
      policy.subject_token_types,
    );
    if (subjectType instanceof OAuthError) return subjectType;
    const actorType = delegated
      ? presentedType(params.actor_token_type!, 'actor_token_type', policy.actor_token_types)
      : null;
    if (actorType instanceof OAuthError) return actorType;
    const scopeAsked = parseScope(params.scope);
    if (scopeAsked instanceof OAuthError) return scopeAsked;
    const config = deps.config();
    const audience = exchangeAudience(client, config, request.resources, request.audiences ?? []);
    if (audience instanceof OAuthError) return audience;

    const subject = await readPresented(subjectType, params.subject_token, 'subject_token', client, deps);
    if (subject instanceof OAuthError) return subject;
    const actor =
      actorType === null
        ? null
        : await readPresented(actorType, params.actor_token!, 'actor_token', client, deps);
    if (actor instanceof OAuthError) return actor;
    // RFC 9449 §1: a sender-constrained token is of use only with its key; trading it in is a use, so
    // the request must prove that key, or a stolen bound token would become an unbound one.
    for (const [role, presented] of [
      ['subject_token', subject],
      ['actor_token', actor],
    ] as const) {
      if (presented?.jkt && presented.jkt !== request.jkt)
        return invalid(`${role} is bound to a DPoP key: send a DPoP proof made with that key (RFC 9449)`);
    }
    const act = actClaim(client, subject, actor, deps.issuer);
    if (act instanceof OAuthError) return act;
    const scope = exchangeScope(client, config, subject, scopeAsked, audience);
    if (scope instanceof OAuthError) return scope;

    const now = deps.clock.nowSeconds();
    const grantId = subject.stored?.grantId ?? deps.random.uuid();
    const token = await mintExchanged(
      { client, subject, actor, act, audience, scope, grantId, jkt: request.jkt },
      deps,
    );
    // Ours: the new token joins the subject token's grant, checked live with it in one transaction, so
    // revoking what the user granted revokes what was exchanged from it. Otherwise a grant of its own.
    const stored = subject.stored
      ? await deps.grants.issue(grantId, subject.stored.hash, now, [token.record])
      : await deps.grants.openGrant(
          {
            id: grantId,
            clientId: client.client_id,
            accountId: subject.accountId,
            sessionHash: null,
            expiresAt: now,
          },
          now,
          [token.record],
        );
    if (stored.status !== 'issued') return invalid('subject_token is not active any more');
    await deps.audit?.record({
      type: 'token.exchanged',
      clientId: client.client_id,
      ...(subject.accountId === '' ? {} : { accountId: subject.accountId }),
      detail: {
        subject_token_type: subjectType,
        ...(actorType === null ? {} : { actor_token_type: actorType }),
        mode: delegated ? 'delegation' : 'impersonation',
        audience: audience.identifiers.join(' '),
        scope: scope.join(' '),
      },
    });
    return {
      access_token: token.value,
      // §2.2.1: issued_token_type is REQUIRED; token_type says how to use it.
      issued_token_type: TOKEN_TYPE_URI.access_token,
      token_type: request.jkt === null ? 'bearer' : 'DPoP',
      expires_in: token.expiresIn,
      scope: scope.join(' '),
    };
  },
} satisfies Grant;
