// What the protocol core needs from the outside world, passed in by main.ts (no hidden state).
import type { KeyInput } from 'jose';
import type { ClientResolver } from '../config/clients.ts';
import type { Endpoints } from '../config/endpoints.ts';
import type { Client, LiveConfig } from '../config/live.ts';
import type { SecretHasher } from '../keys/secrets.ts';
import type { JwtSigner } from '../keys/signer.ts';
import type { Clock } from '../shared/clock.ts';
import type { Random } from '../shared/random.ts';
import type {
  AccountStore,
  AuditEvent,
  ConsentStore,
  DeviceCodeStore,
  GrantStore,
  PushedRequestStore,
  ReplayStore,
  Session,
} from '../store/ports/index.ts';

/**
 * A client's public keys (private_key_jwt assertions, request objects): by value from its config, or
 * fetched from its jwks_uri behind the SSRF guard, cached, refetched on an unknown kid at most once a
 * minute. Resolves the key for a JWS header, or a client-safe reason why there is none.
 */

/** OIDC Core §3.1.2.1 prompt values a login passes on to another OpenID Provider it signs in at. */
export type UpstreamPrompt = 'login' | 'select_account';
export interface ClientKeys {
  keyFor(client: Client, header: { alg?: string; kid?: string }): Promise<KeyInput | string>;
}

/** Keys by value or by URI for anything shaped like a client's key settings (a trusted issuer's). */
export interface KeySourceKeys {
  keyFor(
    source: { client_id: string; jwks: Client['jwks']; jwksUri: string | null },
    header: { alg?: string; kid?: string },
  ): Promise<KeyInput | string>;
}

export interface ProtocolDeps {
  /** The live config; a function because a commit swaps it while the server runs. */
  config(): LiveConfig;
  /** Every client lookup: committed (from memory), registered (RFC 7591, from the store) or another source. */
  clients: ClientResolver;
  issuer: string;
  /** The public URLs of the endpoints (aud of client assertions, htu of DPoP proofs). */
  endpoints: Endpoints;
  clock: Clock;
  random: Random;
  secrets: SecretHasher;
  signJwt: JwtSigner;
  accounts: AccountStore;
  /** The live SSO session a cookie value names (authn/sessions.ts findSession, passed in: protocol does not import authn). */
  findSession(token: string | undefined): Promise<Session | undefined>;
  grants: GrantStore;
  consents: ConsentStore;
  /** Single-use jti values (client assertions, DPoP proofs), shared by every node. */
  replay: ReplayStore;
  pushedRequests: PushedRequestStore;
  /** RFC 8628 device authorization requests. */
  deviceCodes: DeviceCodeStore;
  clientKeys: ClientKeys;
  /** RFC 8693: the keys of trusted external issuers (config trusted_issuers), fetched and cached like clientKeys. */
  trustedIssuerKeys?: KeySourceKeys;
  /** Security events (token.exchanged) for the audit log; never rejects. Absent: nothing is recorded. */
  audit?: { record(event: Omit<AuditEvent, 'at'>): Promise<void> };
  /** client_secret_jwt: the client's secret from its sealed form (Client.secretSealed). */
  unsealSecret(sealed: string): string;
  /** Server-wide switches that are not per client (server section of the config file). */
  server: {
    requirePar: boolean;
    parLifetime: number;
    dpopNonceRequired: boolean;
    /** RFC 8628 §3.2: expires_in and interval of device authorization responses. */
    deviceCodeLifetime: number;
    devicePollInterval: number;
    /** Client ID Metadata Documents are accepted (discovery says client_id_metadata_document_supported). */
    clientIdMetadataDocuments?: boolean;
  };
  /** A secret shared by every node, from the master key: DPoP nonces are derived from it. */
  nonceKey: Buffer;
  codeLifetime: number;
  /**
   * URL of an authenticator's login page that returns to `returnTo` when done. `prompt`: the login must be
   * fresh (`login`) or may be another account (`select_account`); an authenticator that signs in at another
   * OpenID Provider passes it on there, so the provider's own session does not stand in for a new login.
   */
  loginUrl(authenticator: string, returnTo: string, loginHint?: string, prompt?: UpstreamPrompt): string;
  /**
   * URL of the Authentication Service's continue route: it runs the policy's next missing step for the
   * signed-in account, or (fresh) its first step as a new login, and returns to `returnTo` when done.
   */
  continueUrl(
    policy: string,
    returnTo: string,
    options: { fresh?: boolean; loginHint?: string | undefined; prompt?: UpstreamPrompt | undefined },
  ): string;
  /** URL of the consent page that returns to `returnTo` when the user has decided. */
  consentUrl(returnTo: string): string;
  /** sub and aud of an ID token this server signed (expired ones included), or undefined. */
  verifyIdTokenHint(token: string): Promise<{ sub: string; aud: string } | undefined>;
}
