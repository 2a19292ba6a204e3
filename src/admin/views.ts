// What admins see of the configuration: clients and upstream providers without their secrets, and search over the client list.
import {
  type AuthenticatorConfig,
  type ClientConfig,
  type Snapshot,
  STANDARD_SCOPES,
} from '../config/schema.ts';

export type ClientView = Omit<ClientConfig, 'secret' | 'secret_hash' | 'secret_sealed'> & {
  /** A secret is set; its value can never be shown again, only reset. */
  has_secret: boolean;
};

export function clientView(client: ClientConfig): ClientView {
  const { secret: _, secret_hash: __, secret_sealed: ___, ...visible } = client;
  const hasSecret = [client.secret, client.secret_hash, client.secret_sealed].some((s) => s !== undefined);
  return { ...visible, has_secret: hasSecret };
}

type OidcConfig = Extract<AuthenticatorConfig, { type: 'oidc' }>;

export type AuthenticatorView =
  | Exclude<AuthenticatorConfig, { type: 'oidc' }>
  | (Omit<OidcConfig, 'client_secret' | 'client_secret_sealed'> & {
      /** The provider's client secret is set; it is never shown again, only replaced. */
      has_client_secret: boolean;
    });

/** An authenticator as admins see it: an upstream provider's secret only as the fact that one is set. */
export function authenticatorView(authenticator: AuthenticatorConfig): AuthenticatorView {
  if (authenticator.type !== 'oidc') return authenticator;
  const { client_secret: secret, client_secret_sealed: sealed, ...visible } = authenticator;
  return { ...visible, has_client_secret: secret !== undefined || sealed !== undefined };
}

export function snapshotView(snapshot: Snapshot) {
  return {
    authenticators: snapshot.authenticators.map(authenticatorView),
    scopes: snapshot.scopes,
    apis: snapshot.apis,
    clients: snapshot.clients.map(clientView),
  };
}

/** The configured APIs a client can be allowed, by identifier with the name people know them by. */
export function apiChoices(snapshot: Snapshot): { identifier: string; name: string }[] {
  return snapshot.apis.map((a) => ({ identifier: a.identifier, name: a.name ?? '' }));
}

/** Clients whose id, name or redirect URIs contain the query, case-insensitively. */
export function searchClients(clients: readonly ClientConfig[], query: string | undefined): ClientConfig[] {
  const q = query?.trim().toLowerCase();
  if (!q) return [...clients];
  return clients.filter((c) =>
    [c.client_id, c.name ?? '', ...c.redirect_uris].some((text) => text.toLowerCase().includes(q)),
  );
}

/** Every scope a client can be given: the built-in OIDC ones first, then the configured ones. */
export function scopeChoices(snapshot: Snapshot): { name: string; description: string; builtIn: boolean }[] {
  return [
    ...Object.keys(STANDARD_SCOPES).map((name) => ({ name, description: '', builtIn: true })),
    ...snapshot.scopes.map((s) => ({ name: s.name, description: s.description ?? '', builtIn: false })),
  ];
}
