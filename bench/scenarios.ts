// The benchmark scenarios from issues 5 and 12, each one operation that a virtual user repeats against a server.

import type { CeilingKind } from './ceiling-worker.ts';
import { DpopKey } from './dpop.ts';
import type { RelyingParty, UserParams } from './flows.ts';
import { CookieJar } from './http.ts';
import type { Workload } from './load.ts';
import { enrolPasskey, type PasskeyUser, passkeyLogin } from './passkey.ts';

type LoggedIn = Awaited<ReturnType<RelyingParty['login']>>;

export interface Scenario {
  id: string;
  title: string;
  /** The machine limit one operation is bound by (one RS256 signature, one argon2id hash), if any. */
  ceiling?: CeilingKind;
  /**
   * Also measure latency at a fixed arrival rate of half the server's peak ops/s (open loop, see runAtRate).
   * Operations on one virtual user's state may then overlap, so the workload must allow that.
   */
  latencyAtHalfPeak?: boolean;
  /** Runs on Tessera only, for this reason (the report shows '-' for the peer and says why). */
  tesseraOnly?: string;
  workload(rp: RelyingParty): Workload<unknown>;
}

/** Typed construction; each scenario's state type stays private to it. */
const scenario = <S>(s: Omit<Scenario, 'workload'> & { workload(rp: RelyingParty): Workload<S> }) =>
  s as Scenario;

export const SCENARIOS: readonly Scenario[] = [
  scenario({
    id: 'session-code-flow',
    title: '1. code flow with SSO session (flows/s)',
    ceiling: 'rs256',
    latencyAtHalfPeak: true,
    workload: (rp) => ({
      setup: () => rp.login(),
      async operation({ jar, user }: LoggedIn) {
        await rp.redeem(await rp.authorize(user, jar, false), user);
      },
    }),
  }),
  scenario({
    id: 'refresh',
    title: '2. refresh_token grant, new ID token (grants/s)',
    ceiling: 'rs256',
    latencyAtHalfPeak: true,
    workload: (rp) => ({
      // Neither server rotates refresh tokens here, so overlapping refreshes at half peak may share one.
      setup: async () => ({ refreshToken: (await rp.login()).tokens.refresh_token! }),
      async operation(state: { refreshToken: string }) {
        const tokens = await rp.refresh(state.refreshToken);
        if (tokens.refresh_token !== undefined) state.refreshToken = tokens.refresh_token;
      },
    }),
  }),
  scenario({
    id: 'dpop-refresh',
    title: '2b. refresh_token grant with a DPoP proof, new ID token (grants/s)',
    ceiling: 'rs256',
    workload: (rp) => ({
      // A confidential client: neither server binds its refresh token to the key (RFC 9449 §5 binds a public
      // client's), so the plain refresh's setup serves; every request proves the user's key afresh.
      setup: async () => ({
        refreshToken: (await rp.login()).tokens.refresh_token!,
        key: await DpopKey.generate(),
      }),
      async operation(state: { refreshToken: string; key: DpopKey }) {
        const tokens = await rp.refresh(state.refreshToken, state.key);
        if (tokens.refresh_token !== undefined) state.refreshToken = tokens.refresh_token;
      },
    }),
  }),
  scenario({
    id: 'password-code-flow',
    title: '3. code flow with password login (flows/s)',
    ceiling: 'argon2id',
    workload: (rp) => ({
      setup: async () => rp.newUser(),
      async operation(user: UserParams) {
        await rp.redeem(await rp.authorize(user, new CookieJar(), true), user);
      },
    }),
  }),
  scenario({
    id: 'passkey-code-flow',
    title: '3b. code flow with passkey login (flows/s)',
    // One RS256 signature (the ID token) as in 1; the passkey's ES256 verify costs a small fraction of it.
    ceiling: 'rs256',
    tesseraOnly:
      'oidc-provider has no login of its own (the peer runs the minimal password form of servers/peer-main.ts), ' +
      'so a passkey login there would be WebAuthn code written for the bench, not the peer',
    workload: (rp) => ({
      setup: () => enrolPasskey(rp),
      operation: (state: PasskeyUser) => passkeyLogin(rp, state),
    }),
  }),
  scenario({
    id: 'userinfo',
    title: '4. userinfo (requests/s)',
    workload: (rp) => ({
      setup: async () => (await rp.login()).tokens.access_token,
      operation: (accessToken: string) => rp.userinfo(accessToken),
    }),
  }),
  scenario({
    id: 'introspection',
    title: '4b. token introspection (requests/s)',
    workload: (rp) => ({
      setup: async () => (await rp.login()).tokens.access_token,
      operation: (accessToken: string) => rp.introspect(accessToken),
    }),
  }),
  scenario({
    id: 'client-credentials',
    title: '4c. client_credentials grant, opaque access token (grants/s)',
    workload: (rp) => ({
      setup: async () => undefined,
      async operation() {
        await rp.clientCredentials();
      },
    }),
  }),
  scenario({
    id: 'discovery',
    title: '5a. discovery document GET (requests/s)',
    workload: (rp) => ({
      setup: async () => undefined,
      async operation() {
        const res = await rp.http.get(rp.endpoints.discovery);
        if (res.status !== 200) throw new Error(`discovery answered ${res.status}`);
      },
    }),
  }),
  scenario({
    id: 'jwks',
    title: '5b. JWKS GET (requests/s)',
    workload: (rp) => ({
      setup: async () => undefined,
      async operation() {
        const res = await rp.http.get(rp.endpoints.jwks_uri);
        if (res.status !== 200) throw new Error(`jwks answered ${res.status}`);
      },
    }),
  }),
];
