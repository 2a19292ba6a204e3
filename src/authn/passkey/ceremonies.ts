// The two WebAuthn ceremonies over @simplewebauthn/server: options for the browser, and checking its answer.
import type {
  AuthenticationResponseJSON,
  AuthenticatorTransport,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { Account, PasskeyCredential } from '../../store/ports/index.ts';
import { CHALLENGE_LIFETIME } from './challenges.ts';
import type { RelyingParty } from './relying-party.ts';

/**
 * The library (with its own X.509 and CBOR code, a sixth of the bundle) is loaded on the first ceremony,
 * not at start: most servers start without a passkey being used, and start-up compiles what it imports.
 */
const webauthn = () => import('@simplewebauthn/server');

export type UserVerification = 'required' | 'preferred';

/** A response JSON longer than this is not one a browser sends (attestation "none", one credential). */
export const MAX_RESPONSE = 16_384;

/** ES256, EdDSA, RS256 (COSE algorithm ids, RFC 9053): what the authenticators in use offer. */
const ALGORITHMS = [-7, -8, -257];

/** As long as the challenge lives (challenges.ts). */
const TIMEOUT_MS = CHALLENGE_LIFETIME * 1000;

const toBytes = (base64url: string) => new Uint8Array(Buffer.from(base64url, 'base64url'));
const transportsOf = (p: PasskeyCredential) => p.transports as AuthenticatorTransport[];

/** The WebAuthn user handle of an account (WebAuthn L3 §5.4.3): its id, which names no one, as bytes. */
export const userHandleOf = (accountId: string) => Buffer.from(accountId, 'utf8').toString('base64url');

export async function registrationOptions(
  input: { account: Account; existing: readonly PasskeyCredential[]; userVerification: UserVerification },
  rp: RelyingParty,
  challenge: string,
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const name = typeof input.account.claims['name'] === 'string' ? input.account.claims['name'] : '';
  return (await webauthn()).generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: input.account.username,
    userDisplayName: name || input.account.username,
    userID: new Uint8Array(Buffer.from(input.account.id, 'utf8')),
    challenge: toBytes(challenge),
    attestationType: 'none',
    // The same authenticator twice would be one factor counted as two: the browser refuses it.
    excludeCredentials: input.existing.map((p) => ({ id: p.id, transports: transportsOf(p) })),
    // Discoverable credentials, so a passkey signs in without a username (WebAuthn L3 §6.2.2).
    authenticatorSelection: { residentKey: 'required', userVerification: input.userVerification },
    supportedAlgorithmIDs: ALGORITHMS,
    timeout: TIMEOUT_MS,
  });
}

/** Options for an assertion: any discoverable passkey (passwordless), or only the account's (a second factor). */
export async function authenticationOptions(
  input: { allow?: readonly PasskeyCredential[]; userVerification: UserVerification },
  rp: RelyingParty,
  challenge: string,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return (await webauthn()).generateAuthenticationOptions({
    rpID: rp.id,
    challenge: toBytes(challenge),
    userVerification: input.userVerification,
    timeout: TIMEOUT_MS,
    ...(input.allow
      ? { allowCredentials: input.allow.map((p) => ({ id: p.id, transports: transportsOf(p) })) }
      : {}),
  });
}

/** The response the browser posted, if it is JSON shaped like a PublicKeyCredential; anything else is undefined. */
export function parseResponse<T extends RegistrationResponseJSON | AuthenticationResponseJSON>(
  text: string,
): T | undefined {
  if (text.length === 0 || text.length > MAX_RESPONSE) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  const ok =
    typeof v['id'] === 'string' &&
    /^[A-Za-z0-9_-]{1,1400}$/.test(v['id']) &&
    v['rawId'] === v['id'] &&
    v['type'] === 'public-key' &&
    typeof v['response'] === 'object' &&
    v['response'] !== null;
  return ok ? (value as T) : undefined;
}

export interface NewPasskey {
  id: string;
  publicKey: string;
  counter: number;
  transports: string[];
  backupEligible: boolean;
  backedUp: boolean;
  userVerified: boolean;
}

/** Checks an attestation against the challenge, origin and RP ID; undefined when anything is off (never throws). */
export async function checkRegistration(
  response: RegistrationResponseJSON,
  expected: { challenge: string; userVerification: UserVerification },
  rp: RelyingParty,
): Promise<NewPasskey | undefined> {
  try {
    const result = await (await webauthn()).verifyRegistrationResponse({
      response,
      expectedChallenge: expected.challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: expected.userVerification === 'required',
      supportedAlgorithmIDs: ALGORITHMS,
    });
    if (!result.verified) return undefined;
    const info = result.registrationInfo;
    return {
      id: info.credential.id,
      publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
      counter: info.credential.counter,
      transports: (response.response.transports ?? []).filter((t) => /^[a-z-]{1,20}$/.test(t)).slice(0, 8),
      backupEligible: info.credentialDeviceType === 'multiDevice',
      backedUp: info.credentialBackedUp,
      userVerified: info.userVerified,
    };
  } catch {
    return undefined;
  }
}

export interface CheckedAssertion {
  counter: number;
  backedUp: boolean;
  userVerified: boolean;
}

/** Checks an assertion by `passkey` against the challenge, origin and RP ID; undefined when anything is off. */
export async function checkAssertion(
  response: AuthenticationResponseJSON,
  passkey: PasskeyCredential,
  expected: { challenge: string; userVerification: UserVerification },
  rp: RelyingParty,
): Promise<CheckedAssertion | undefined> {
  try {
    const result = await (await webauthn()).verifyAuthenticationResponse({
      response,
      expectedChallenge: expected.challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      credential: {
        id: passkey.id,
        publicKey: toBytes(passkey.publicKey),
        counter: passkey.counter,
        transports: transportsOf(passkey),
      },
      requireUserVerification: expected.userVerification === 'required',
    });
    if (!result.verified) return undefined;
    const info = result.authenticationInfo;
    return { counter: info.newCounter, backedUp: info.credentialBackedUp, userVerified: info.userVerified };
  } catch {
    return undefined;
  }
}
