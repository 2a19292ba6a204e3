// RFC 6238 TOTP, pure: new secrets, the otpauth URI apps scan, and which time step a code belongs to.
import { Secret, TOTP } from 'otpauth';
import { safeEqual } from '../../shared/crypto.ts';

/** RFC 6238 §4: 30-second steps, 6 digits, HMAC-SHA-1 (what every authenticator app supports). */
export const PERIOD = 30;
const DIGITS = 6;
/** RFC 6238 §5.2: one step of drift either way is accepted. */
export const DRIFT_STEPS = 1;

/** A new shared secret: 160 bits (RFC 4226 §4 recommends at least that), as Base32 text for the app. */
export function newSecret(randomBytes: Buffer): string {
  if (randomBytes.length < 20) throw new Error('a TOTP secret needs at least 20 random bytes');
  return new Secret({ buffer: new Uint8Array(randomBytes).buffer }).base32;
}

/** The time step a moment falls in. */
export const stepAt = (nowSeconds: number): number => Math.floor(nowSeconds / PERIOD);

/** The code for one step (tests compute codes with it, as an app would). */
export function codeAt(secretBase32: string, step: number): string {
  return TOTP.generate({
    secret: Secret.fromBase32(secretBase32),
    digits: DIGITS,
    period: PERIOD,
    timestamp: step * PERIOD * 1000,
  });
}

/** The code as typed: spaces and dashes removed; undefined unless it is exactly six digits. */
export function normaliseCode(input: string): string | undefined {
  const code = input.replace(/[\s-]/g, '');
  return /^\d{6}$/.test(code) ? code : undefined;
}

/**
 * The step the code is valid for within the drift window around `nowSeconds`, or undefined. Every
 * candidate is compared in constant time, so the timing does not tell which step (if any) matched.
 */
export function matchStep(secretBase32: string, code: string, nowSeconds: number): number | undefined {
  const current = stepAt(nowSeconds);
  let found: number | undefined;
  for (let step = current - DRIFT_STEPS; step <= current + DRIFT_STEPS; step++) {
    if (safeEqual(codeAt(secretBase32, step), code) && found === undefined) found = step;
  }
  return found;
}

/** The otpauth:// URI (Key Uri Format) an authenticator app reads from the QR code. */
export function otpauthUri(secretBase32: string, issuer: string, account: string): string {
  return new TOTP({
    issuer,
    label: account,
    secret: Secret.fromBase32(secretBase32),
    digits: DIGITS,
    period: PERIOD,
  }).toString();
}

/** The key as people type it: groups of four. */
export const groupedKey = (secretBase32: string): string => secretBase32.replace(/(.{4})(?=.)/g, '$1 ');
