// What a change to one client or authenticator does to live data, rule by rule, as the protocol enforces it.
import type { ClientConfig } from '../config/schema.ts';
import type { ClientUsage, ScopeUsage } from '../store/ports/index.ts';
import { AUTH_METHOD_WORDS, CAPABILITY_WORDS } from './field-labels.ts';
import type { ImpactItem } from './impact.ts';

/** "1,204 refresh tokens", "1 user". */
export const count = (n: number, noun: string, plural = `${noun}s`) =>
  `${n.toLocaleString('en-US')} ${n === 1 ? noun : plural}`;

/** The verb for a count: `verb(1, 'ends', 'end')` is "ends". */
export const verb = (n: number, one: string, many: string) => (n === 1 ? one : many);

export interface ClientFacts {
  usage: ClientUsage;
  scope(scope: string): ScopeUsage;
  sessions(authenticator: string): number;
}

const secretOf = (c: ClientConfig) => c.secret_hash ?? c.secret_sealed ?? c.secret;

/** A client that is no longer configured cannot authenticate at the token endpoint (RFC 6749 §2.3). */
export function removedClient(before: ClientConfig, facts: ClientFacts): ImpactItem {
  const { grants, refreshTokens, accessTokens } = facts.usage;
  return {
    kind: 'client',
    id: before.client_id,
    effect: 'ends',
    text: `client ${before.client_id} is removed: its ${count(grants, 'live grant')} ${verb(grants, 'ends', 'end')}; ${count(refreshTokens, 'refresh token')} and ${count(accessTokens, 'access token')} ${verb(refreshTokens + accessTokens, 'becomes', 'become')} unusable`,
    tally: { refreshUnusable: refreshTokens, grantsEnded: grants },
  };
}

export function changedClient(b: ClientConfig, a: ClientConfig, facts: ClientFacts): ImpactItem[] {
  const id = b.client_id;
  const items: ImpactItem[] = [];
  const add = (effect: ImpactItem['effect'], text: string, tally: ImpactItem['tally'] = {}) =>
    items.push({ kind: 'client', id, effect, text, tally });
  const { usage } = facts;

  // The refresh grant refuses a client whose refresh tokens are off with unauthorized_client, stored tokens or not.
  if (b.refresh_token.enabled && !a.refresh_token.enabled) {
    add(
      'ends',
      `refresh tokens turned off for ${id}: its ${count(usage.refreshTokens, 'live refresh token')} ${verb(usage.refreshTokens, 'becomes', 'become')} unusable`,
      {
        refreshUnusable: usage.refreshTokens,
      },
    );
  } else if (!b.refresh_token.enabled && a.refresh_token.enabled && usage.refreshTokens > 0) {
    add(
      'restores',
      `refresh tokens turned on for ${id}: ${count(usage.refreshTokens, 'refresh token')} issued before ${verb(usage.refreshTokens, 'works', 'work')} again`,
    );
  }

  for (const scope of b.scopes.filter((s) => !a.scopes.includes(s))) {
    // RFC 6749 §6: a refresh is checked against the original grant, so stored tokens keep the scope.
    const held = facts.scope(scope).refreshTokens;
    add(
      'limits',
      a.refresh_token.enabled
        ? `${id} loses ${scope}: new authorization requests for it are refused; ${count(held, 'live refresh token')} that ${verb(held, 'carries it keeps it until it ends', 'carry it keep it until they end')}`
        : `${id} loses ${scope}: new authorization requests for it are refused`,
      {
        scopeLost: scope,
      },
    );
  }

  // The authorization endpoint asks whenever the remembered consent does not cover every requested scope.
  let asked = 0;
  if (!b.consent_required && a.consent_required) {
    asked = usage.accountsWithoutConsent;
    add(
      'asks',
      `${id} now asks for consent: ${count(asked, 'user')} with live grants never consented and will be asked at their next sign-in`,
    );
  }
  if (a.consent_required) {
    for (const scope of a.scopes.filter((s) => !b.scopes.includes(s))) {
      const uncovered = usage.consents - facts.scope(scope).consents;
      if (uncovered === 0) continue;
      asked = Math.max(asked, uncovered);
      add(
        'asks',
        `${count(uncovered, 'user')}' consent to ${id} does not cover ${scope}: asked again when a request includes it`,
      );
    }
  }
  if (asked > 0) items.at(-1)!.tally = { consentAsked: asked };

  // An SSO session counts only for clients of the authenticator that made it.
  if (b.authenticator !== a.authenticator) {
    add(
      'asks',
      `${id} signs users in with ${a.authenticator} instead of ${b.authenticator}: ${count(facts.sessions(b.authenticator), 'live session')} made with ${b.authenticator} no longer ${verb(facts.sessions(b.authenticator), 'counts', 'count')} for it; its ${count(usage.accounts, 'user')} with live grants sign in again`,
      {
        signInAgain: usage.accounts,
      },
    );
  }

  for (const uri of b.redirect_uris.filter((u) => !a.redirect_uris.includes(u))) {
    // RFC 6749 §3.1.2.3 and RFC 9700 §2.1: redirect URIs are compared exactly against the registered ones.
    add(
      'limits',
      `${id} no longer accepts redirect URI ${uri}: authorization requests naming it are refused; nothing stored changes`,
    );
  }

  for (const cap of b.capabilities.filter((c) => !a.capabilities.includes(c))) {
    add(
      'limits',
      `${id} can no longer use ${CAPABILITY_WORDS[cap] ?? cap}; tokens already issued stay valid until they end`,
    );
  }

  const before = secretOf(b);
  if (before !== undefined && secretOf(a) !== undefined && before !== secretOf(a)) {
    add(
      'ends',
      `${id}'s secret is replaced: the old one stops working at the commit, so give ${id} the new one first; its ${count(usage.refreshTokens, 'refresh token')} keep working with the new secret`,
      {
        secretRotated: 1,
      },
    );
  }
  if (b.token_endpoint_auth_method !== a.token_endpoint_auth_method) {
    const words = (m: string) => AUTH_METHOD_WORDS[m] ?? m;
    add(
      'ends',
      `${id} must authenticate with ${words(a.token_endpoint_auth_method)} instead of ${words(b.token_endpoint_auth_method)} from the commit on`,
    );
  }
  if (!b.dpop_bound_access_tokens && a.dpop_bound_access_tokens) {
    // RFC 9449 §5.2: such a client only ever gets sender-constrained tokens.
    add(
      'limits',
      `${id} now requires DPoP: token requests without a DPoP proof are refused, refreshes of its ${count(usage.refreshTokens, 'refresh token')} included`,
    );
  }

  const shorter: [string, number | undefined, number | undefined][] = [
    ['access token lifetime', b.access_token_lifetime, a.access_token_lifetime],
    ['ID token lifetime', b.id_token_lifetime, a.id_token_lifetime],
    ['refresh token lifetime', b.refresh_token.lifetime, a.refresh_token.lifetime],
    ['refresh token idle lifetime', b.refresh_token.idle_lifetime, a.refresh_token.idle_lifetime],
  ];
  for (const [what, was, now] of shorter) {
    if (was !== undefined && now !== undefined && now < was) {
      add(
        'note',
        `${id}'s ${what} shortens from ${was} s to ${now} s: nothing live changes, tokens already issued keep their expiry`,
      );
    }
  }
  return items;
}

/** Sessions keep the authenticator that made them; with it gone they count for no client. */
export function removedAuthenticator(id: string, sessions: number): ImpactItem {
  return {
    kind: 'authenticator',
    id,
    effect: 'ends',
    text: `authenticator ${id} is removed: its ${count(sessions, 'live session')} ${verb(sessions, 'counts', 'count')} for no client any more`,
    tally: {},
  };
}
