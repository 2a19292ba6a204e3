// What the protocol core needs from the outside world, passed in by main.ts (no hidden state).
import type { LiveConfig } from '../config/live.ts';
import type { SecretHasher } from '../keys/secrets.ts';
import type { Clock } from '../shared/clock.ts';
import type { Random } from '../shared/random.ts';
import type { AccountStore, GrantStore, SessionStore } from '../store/ports/index.ts';

/** Signs a JWT claim set with the active key; the JOSE header (alg, kid, x5t) is the signer's business. */
export type JwtSigner = (claims: Record<string, unknown>) => Promise<string>;

export interface ProtocolDeps {
  /** The live config; a function because a commit swaps it while the server runs. */
  config(): LiveConfig;
  issuer: string;
  clock: Clock;
  random: Random;
  secrets: SecretHasher;
  signJwt: JwtSigner;
  accounts: AccountStore;
  sessions: SessionStore;
  grants: GrantStore;
  codeLifetime: number;
  /** URL of an authenticator's login page that returns to `returnTo` when done. */
  loginUrl(authenticator: string, returnTo: string): string;
}
