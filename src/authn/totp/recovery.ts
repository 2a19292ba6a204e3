// Recovery codes: ten one-time codes shown once, stored only as SHA-256 hashes (high entropy, so a fast hash).
import { sha256 } from '../../shared/crypto.ts';

export const RECOVERY_CODE_COUNT = 10;
/** Crockford-style alphabet without look-alikes (no i, l, o, u): easy to read back from paper. */
const ALPHABET = 'abcdefghjkmnpqrstvwxyz0123456789';

/** Ten codes of 10 characters (50 bits each), shown as xxxxx-xxxxx, and their hashes. */
export function newRecoveryCodes(randomBytes: (n: number) => Buffer): { codes: string[]; hashes: string[] } {
  const codes: string[] = [];
  while (codes.length < RECOVERY_CODE_COUNT) {
    const bytes = randomBytes(10);
    const chars = [...bytes].map((b) => ALPHABET[b % ALPHABET.length]).join('');
    const code = `${chars.slice(0, 5)}-${chars.slice(5)}`;
    if (!codes.includes(code)) codes.push(code);
  }
  return { codes, hashes: codes.map(recoveryCodeHash) };
}

/** The form a typed code is compared in: lower case, no spaces or dashes. */
export function normaliseRecoveryCode(input: string): string | undefined {
  const code = input.toLowerCase().replace(/[\s-]/g, '');
  return code.length === 10 && [...code].every((c) => ALPHABET.includes(c)) ? code : undefined;
}

export const recoveryCodeHash = (code: string): string =>
  sha256(`tessera-recovery\u0000${normaliseRecoveryCode(code) ?? code}`);
