// What the protocol core needs from the outside world, passed in by main.ts (no hidden state).
import type { LiveConfig } from '../config/live.ts';
import type { SecretHasher } from '../keys/secrets.ts';
import type { JwtSigner } from '../keys/signer.ts';
import type { Clock } from '../shared/clock.ts';
import type { Random } from '../shared/random.ts';
import type { AccountStore, ConsentStore, GrantStore, Session } from '../store/ports/index.ts';

export interface ProtocolDeps {
  /** The live config; a function because a commit swaps it while the server runs. */
  config(): LiveConfig;
  issuer: string;
  clock: Clock;
  random: Random;
  secrets: SecretHasher;
  signJwt: JwtSigner;
  accounts: AccountStore;
  /** The live SSO session a cookie value names (authn/sessions.ts findSession, passed in: protocol does not import authn). */
  findSession(token: string | undefined): Promise<Session | undefined>;
  grants: GrantStore;
  consents: ConsentStore;
  codeLifetime: number;
  /** URL of an authenticator's login page that returns to `returnTo` when done. */
  loginUrl(authenticator: string, returnTo: string, loginHint?: string): string;
  /** URL of the consent page that returns to `returnTo` when the user has decided. */
  consentUrl(returnTo: string): string;
  /** sub and aud of an ID token this server signed (expired ones included), or undefined. */
  verifyIdTokenHint(token: string): Promise<{ sub: string; aud: string } | undefined>;
}
