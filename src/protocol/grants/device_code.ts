// grant_type=urn:ietf:params:oauth:grant-type:device_code (RFC 8628 §3.4, §3.5): the device polls until the user decides.
import { OAuthError } from '../errors.ts';
import { accessTarget, grantedResources } from '../tokens/audience.ts';
import { hashToken } from '../tokens/opaque.ts';
import { issueTokens } from '../tokens/response.ts';
import type { Grant } from './grant.ts';

/** §3.5: each slow_down adds 5 seconds to the interval for this and every later poll. */
export const SLOW_DOWN_SECONDS = 5;

export const deviceCode = {
  grantType: 'urn:ietf:params:oauth:grant-type:device_code',
  capability: 'device_code',
  // RFC 8628 §4: discovery names the device authorization endpoint only while a client may use it.
  optIn: true,
  async handle(params, client, deps, request) {
    // §3.4: device_code is REQUIRED.
    if (params.device_code === undefined) return new OAuthError('invalid_request', 'device_code is required');
    const hash = hashToken(params.device_code);
    const now = deps.clock.nowSeconds();
    const found = await deps.deviceCodes.poll(hash, now);
    // One message for unknown and foreign codes: a client learns nothing about another client's requests.
    if (!found || found.clientId !== client.client_id)
      return new OAuthError('invalid_grant', 'the device code is invalid or was issued to another client');
    if (found.status === 'consumed')
      return new OAuthError('invalid_grant', 'the device code was already used');
    if (found.expiresAt <= now)
      return new OAuthError('expired_token', 'the device code expired: start a new device authorization');
    if (found.status === 'denied') return new OAuthError('access_denied', 'the user denied the request');
    if (found.status === 'pending') {
      // §3.5: polling faster than the interval is slow_down, and the interval grows for every later poll.
      if (found.lastPolledAt !== null && now - found.lastPolledAt < found.interval) {
        const interval = await deps.deviceCodes.slowDown(hash, SLOW_DOWN_SECONDS);
        return new OAuthError('slow_down', `polled too often: wait ${interval} seconds between requests`);
      }
      return new OAuthError('authorization_pending', 'the user has not yet approved the request');
    }
    // RFC 8707 §2.2: a resource named here must be one the device authorization request named, if any.
    const target = accessTarget(
      client,
      deps.config(),
      request.resources,
      grantedResources(found.resource),
      found.scope,
    );
    if (target instanceof OAuthError) return target;
    // Single use: of two polls after approval, only one moves the request to consumed.
    if (!(await deps.deviceCodes.consume(hash, now)))
      return new OAuthError('invalid_grant', 'the device code was already used');
    const grantId = deps.random.uuid();
    const issued = await issueTokens(
      {
        client,
        grantId,
        accountId: found.accountId!,
        scope: found.scope,
        authTime: found.authTime!,
        acr: found.acr ?? '',
        amr: found.amr ?? undefined,
        nonce: null,
        claims: null,
        refresh: { kind: 'new' },
        ...target,
        jkt: request.jkt,
      },
      deps,
    );
    // The grant outlives the browser session the user approved in: the device keeps its tokens.
    const opened = await deps.grants.openGrant(
      {
        id: grantId,
        clientId: client.client_id,
        accountId: found.accountId!,
        sessionHash: null,
        expiresAt: now,
      },
      now,
      issued.records,
    );
    if (opened.status !== 'issued') return new OAuthError('invalid_grant', 'the grant was revoked');
    return issued.response;
  },
} satisfies Grant;
