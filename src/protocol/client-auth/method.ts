// The shape every token_endpoint_auth_method file exports; the registry in index.ts lists them.
import type { Client } from '../../config/live.ts';
import type { ProtocolDeps } from '../deps.ts';
import type { OAuthError, OAuthErrorHint } from '../errors.ts';

export interface ClientAuthRequest {
  /** The Authorization header, as sent. */
  authorization: string | undefined;
  /** The body parameters the registered methods read (their `parameters`), repeats already refused. */
  params: Readonly<Partial<Record<string, string>>>;
}

/** Credentials as the request presents them, before anything is verified. */
export interface Presented {
  /** The client they name. */
  clientId: string;
  /** What `verify` checks: a secret, a signed assertion; '' for none. */
  proof: string;
}

export interface ClientAuthMethod {
  /** The token_endpoint_auth_method value (RFC 7591 §2, OIDC Core §9). */
  readonly name: string;
  /** Body parameters the method reads; every client endpoint allows them. */
  readonly parameters: readonly string[];
  /** Carried by every refusal once the client tried this method (RFC 6749 §5.2 challenges). */
  readonly hint?: OAuthErrorHint;
  /** undefined when the request carries nothing for this method; an OAuthError when it is malformed. */
  present(request: ClientAuthRequest): Presented | OAuthError | undefined;
  /**
   * Checks the proof for the registered client, or for no client (an unknown client_id), which
   * must cost the same so that clients cannot be enumerated. Resolves to undefined when the
   * proof holds, else to the client-safe reason.
   */
  verify(presented: Presented, client: Client | undefined, deps: ProtocolDeps): Promise<string | undefined>;
}
