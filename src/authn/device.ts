// The device verification page's use cases (RFC 8628 §3.3): look a typed user code up, throttled, and record the user's answer.
import type { Client } from '../config/live.ts';
import { issuedAcr, type Policy, satisfaction } from '../config/policies.ts';
import { hashUserCode, normalizeUserCode } from '../shared/user-code.ts';
import type { DeviceCode, DeviceCodeStore, Session } from '../store/ports/index.ts';
import type { AuthnDeps } from './deps.ts';
import { findSession } from './sessions.ts';
import { LoginThrottle } from './throttle.ts';

export type DeviceDeps = Pick<
  AuthnDeps,
  'config' | 'clock' | 'throttle' | 'sessions' | 'accounts' | 'audit'
> & {
  deviceCodes: Pick<DeviceCodeStore, 'findPending' | 'decide'>;
  /** The client a stored request names (committed or registered), or undefined when it is gone. */
  findClient(clientId: string): Promise<Client | undefined>;
};

/**
 * §5.1: a user code has about 2^34.6 values, so guessing is slowed per address: after this many wrong codes
 * in the window, every lookup from that address is refused until the window ends.
 */
export const DEVICE_GUESSES = { maxFailures: 10, windowSeconds: 600 };

const throttleFor = (deps: DeviceDeps) =>
  new LoginThrottle(deps.clock, deps.throttle, 'device', DEVICE_GUESSES);

export interface PendingDevice {
  /** The code as the page shows it, XXXX-XXXX. */
  userCode: string;
  userCodeHash: string;
  client: Client;
  request: DeviceCode;
}

export type DeviceLookup =
  | { kind: 'throttled'; wait: number }
  /** Not a code, unknown, expired or decided already: one answer for all, so guessing learns nothing. */
  | { kind: 'unknown' }
  | { kind: 'found'; pending: PendingDevice };

/** The pending request a typed user code names; each miss counts against the address. */
export async function lookUpUserCode(
  typed: string,
  address: string,
  deps: DeviceDeps,
): Promise<DeviceLookup> {
  const throttle = throttleFor(deps);
  const wait = await throttle.blockedFor('', address);
  if (wait > 0) return { kind: 'throttled', wait };
  const code = normalizeUserCode(typed);
  const userCodeHash = code === undefined ? undefined : hashUserCode(code);
  const request =
    userCodeHash === undefined
      ? undefined
      : await deps.deviceCodes.findPending(userCodeHash, deps.clock.nowSeconds());
  const client = request && (await deps.findClient(request.clientId));
  if (!request || !client || !userCodeHash || !code) {
    await throttle.fail('', address);
    return { kind: 'unknown' };
  }
  return {
    kind: 'found',
    pending: { userCode: `${code.slice(0, 4)}-${code.slice(4)}`, userCodeHash, client, request },
  };
}

/**
 * Not signed in as the client's policy asks: `fresh`, a login from its first step (nobody signed in, or
 * with an authenticator the policy does not start with); otherwise only the missing step (step-up).
 */
export type DeviceLogin = { kind: 'login'; policy: Policy; fresh: boolean };

/** The client's default policy (its first, as at the authorization endpoint without acr_values) against the session. */
async function signedIn(
  sessionToken: string | undefined,
  client: Client,
  deps: DeviceDeps,
): Promise<DeviceLogin | { kind: 'ok'; session: Session; acr: string; amr: string }> {
  const policy = client.policies[0]!;
  const session = await findSession(sessionToken, deps);
  const met = session ? satisfaction(policy, session.factors) : ({ kind: 'login' } as const);
  if (!session || met.kind === 'login') return { kind: 'login', policy, fresh: true };
  if (met.kind === 'partial') return { kind: 'login', policy, fresh: false };
  return {
    kind: 'ok',
    session,
    acr: issuedAcr(policy, session, deps.config().authenticators),
    amr: met.amr.join(' '),
  };
}

export type DeviceConfirmation =
  | Exclude<DeviceLookup, { kind: 'found' }>
  | DeviceLogin
  | {
      kind: 'confirm';
      pending: PendingDevice;
      username: string;
      scopes: { name: string; description: string }[];
    };

/** What the confirmation page shows: the client, the account, each scope with its description, the code. */
export async function deviceConfirmation(
  input: { userCode: string; address: string; sessionToken: string | undefined },
  deps: DeviceDeps,
): Promise<DeviceConfirmation> {
  const found = await lookUpUserCode(input.userCode, input.address, deps);
  if (found.kind !== 'found') return found;
  const login = await signedIn(input.sessionToken, found.pending.client, deps);
  if (login.kind === 'login') return login;
  const { session } = login;
  const account = await deps.accounts.findById(session.accountId);
  const config = deps.config();
  const scopes = found.pending.request.scope.split(' ').filter((s) => s !== '');
  return {
    kind: 'confirm',
    pending: found.pending,
    username: account?.username ?? session.accountId,
    scopes: scopes.map((name) => ({ name, description: config.scopes.get(name)?.description ?? '' })),
  };
}

export type DeviceDecisionResult =
  | Exclude<DeviceConfirmation, { kind: 'confirm' }>
  | { kind: 'approved' | 'denied'; clientName: string };

/** Records Approve or Deny once; the device learns it at its next poll. */
export async function decideDevice(
  input: { userCode: string; address: string; sessionToken: string | undefined; approve: boolean },
  deps: DeviceDeps,
): Promise<DeviceDecisionResult> {
  const found = await lookUpUserCode(input.userCode, input.address, deps);
  if (found.kind !== 'found') return found;
  const { pending } = found;
  const login = await signedIn(input.sessionToken, pending.client, deps);
  if (login.kind === 'login') return login;
  const { session, acr, amr } = login;
  const now = deps.clock.nowSeconds();
  // The ID token says how the user signed in: the policy's acr and the factors' amr, as the code flow does.
  const decided = await deps.deviceCodes.decide(
    pending.userCodeHash,
    now,
    input.approve
      ? { kind: 'approve', accountId: session.accountId, authTime: session.authTime, acr, amr }
      : { kind: 'deny', accountId: session.accountId },
  );
  // Decided in another tab a moment ago, or expired meanwhile: as if the code were unknown.
  if (!decided) return { kind: 'unknown' };
  await deps.audit.record({
    type: input.approve ? 'device.approved' : 'device.denied',
    accountId: session.accountId,
    clientId: pending.client.client_id,
    address: input.address,
    detail: { scope: pending.request.scope.slice(0, 200) },
  });
  return { kind: input.approve ? 'approved' : 'denied', clientName: pending.client.name };
}
