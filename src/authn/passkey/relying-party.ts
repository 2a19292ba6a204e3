// The WebAuthn relying party: its ID and origin come from the issuer's base URL (WebAuthn L3 §5.1.4.1, §13.4.9).

export interface RelyingParty {
  /** The RP ID: the base URL's host name (a domain: browsers refuse an IP address). */
  id: string;
  /** The origin the browser reports in clientDataJSON: the base URL's scheme, host and port. */
  origin: string;
  /** What the browser shows when it asks to create a passkey. */
  name: string;
}

export function relyingPartyFor(baseUrl: string, name = 'Tessera'): RelyingParty {
  const url = new URL(baseUrl);
  return { id: url.hostname, origin: url.origin, name };
}
