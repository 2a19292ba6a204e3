// Consent use cases: read the request awaiting consent, give consent (merged with earlier scopes), withdraw it.
import type { Client } from '../config/live.ts';
import type { Account } from '../store/ports/index.ts';
import type { AuthnDeps, AuthnLog } from './deps.ts';
import { findSession } from './sessions.ts';

export interface PendingConsent {
  /** The authorization request to replay once the user has decided. */
  returnTo: string;
  client: Client;
  scopes: string[];
}

/**
 * The authorization request being consented to, read back from the URL it will replay; undefined when
 * `returnTo` (already checked to be one of our own paths) is not an authorization request for a known client.
 */
export async function readPendingConsent(
  returnTo: string,
  authorizePath: string,
  deps: Pick<AuthnDeps, 'clients'>,
): Promise<PendingConsent | undefined> {
  if (!returnTo.startsWith(`${authorizePath}?`)) return undefined;
  const query = new URLSearchParams(returnTo.slice(returnTo.indexOf('?') + 1));
  const client = await deps.clients.find(query.get('client_id') ?? '');
  if (!client) return undefined;
  const scopes = (query.get('scope') ?? '').split(' ').filter((s) => s !== '');
  return { returnTo, client, scopes };
}

export type ConsentPage =
  | { kind: 'invalid' }
  /** Not logged in (any more): replay the request, and the authorization endpoint asks for a login first. */
  | { kind: 'login'; returnTo: string }
  | {
      kind: 'ask';
      returnTo: string;
      clientName: string;
      /** A client named by its metadata document's URL: the host that vouches for it, shown above its own name. */
      clientHost?: string;
      /** Every redirect URI of such a client is on this machine: a local app, or someone pretending. */
      localhostOnly?: boolean;
      username: string;
      scopes: { name: string; description: string }[];
    };

const LOCAL_HOSTS = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** The host of a client whose client_id is its metadata document's URL; its name is its own claim. */
function documentClient(client: Client): { clientHost?: string; localhostOnly?: boolean } {
  if (!client.client_id.startsWith('https://')) return {};
  const hosts = client.redirect_uris.map((uri) => {
    try {
      return new URL(uri).hostname;
    } catch {
      return '';
    }
  });
  return {
    clientHost: new URL(client.client_id).host,
    localhostOnly: hosts.length > 0 && hosts.every((h) => LOCAL_HOSTS.test(h)),
  };
}

/** What the consent page shows: the client, the user, and each scope asked for with its description. */
export async function consentPage(
  input: { returnTo: string; authorizePath: string; sessionToken: string | undefined },
  deps: AuthnDeps,
): Promise<ConsentPage> {
  const pending = await readPendingConsent(input.returnTo, input.authorizePath, deps);
  if (!pending) return { kind: 'invalid' };
  const session = await findSession(input.sessionToken, deps);
  if (!session) return { kind: 'login', returnTo: pending.returnTo };
  const account = await deps.accounts.findById(session.accountId);
  const config = deps.config();
  return {
    kind: 'ask',
    returnTo: pending.returnTo,
    clientName: pending.client.name,
    ...documentClient(pending.client),
    username: account?.username ?? session.accountId,
    scopes: pending.scopes.map((name) => ({ name, description: config.scopes.get(name)?.description ?? '' })),
  };
}

export type ConsentDecision =
  | { kind: 'invalid' }
  | { kind: 'login'; returnTo: string }
  /** The user said no: the replayed request ends in access_denied (RFC 6749 §4.1.2.1). */
  | { kind: 'denied'; returnTo: string }
  | { kind: 'given'; returnTo: string };

/** Records the user's answer: Allow merges the scopes with any earlier consent to the client and saves it. */
export async function decideConsent(
  input: {
    returnTo: string;
    authorizePath: string;
    sessionToken: string | undefined;
    allow: boolean;
    /** Where the request came from, for the audit log. */
    address?: string | undefined;
  },
  deps: AuthnDeps,
  log: AuthnLog,
): Promise<ConsentDecision> {
  const pending = await readPendingConsent(input.returnTo, input.authorizePath, deps);
  if (!pending) return { kind: 'invalid' };
  const session = await findSession(input.sessionToken, deps);
  if (!session) return { kind: 'login', returnTo: pending.returnTo };
  if (!input.allow) return { kind: 'denied', returnTo: pending.returnTo };
  await giveConsent(session.accountId, pending.client.client_id, pending.scopes, deps);
  log.info({ event: 'consent_given', client_id: pending.client.client_id }, 'consent given');
  await deps.audit.record({
    type: 'consent.given',
    accountId: session.accountId,
    clientId: pending.client.client_id,
    address: input.address,
    detail: { scope: pending.scopes.join(' ') },
  });
  return { kind: 'given', returnTo: pending.returnTo };
}

/** Saves consent to `scopes` plus whatever the account had already granted the client. */
export async function giveConsent(
  accountId: string,
  clientId: string,
  scopes: readonly string[],
  deps: Pick<AuthnDeps, 'consents' | 'clock'>,
): Promise<void> {
  const earlier = await deps.consents.find(accountId, clientId);
  const merged = new Set([...(earlier?.scope.split(' ').filter((s) => s !== '') ?? []), ...scopes]);
  await deps.consents.save({
    accountId,
    clientId,
    scope: [...merged].join(' '),
    createdAt: deps.clock.nowSeconds(),
  });
}

/** Withdrawing consent withdraws the access it granted: every grant the client holds for the account ends. */
export async function withdrawConsent(
  account: Pick<Account, 'id'>,
  clientId: string,
  deps: Pick<AuthnDeps, 'consents' | 'grants' | 'clock' | 'audit'>,
  address?: string,
): Promise<void> {
  const had = await deps.consents.find(account.id, clientId);
  await deps.consents.delete(account.id, clientId);
  await deps.grants.revokeClientGrants(account.id, clientId, deps.clock.nowSeconds());
  // A revoke for a client the account never consented to changes nothing and is not an event.
  if (had) await deps.audit.record({ type: 'consent.withdrawn', accountId: account.id, clientId, address });
}
