// RFC 8628 user codes: 8 letters without vowels or look-alikes, shown as XXXX-XXXX, typed in any case, dash optional.
import { sha256 } from './crypto.ts';
import type { Random } from './random.ts';

/** §6.1: consonants only (no words spelled, no 0/O or 1/I), 20^8 ≈ 2^34.6 codes, all upper case. */
export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
export const USER_CODE_LENGTH = 8;

/** The largest multiple of the alphabet's size below 256: bytes above it are drawn again, so no letter is likelier. */
const UNBIASED = 256 - (256 % USER_CODE_ALPHABET.length);

export function generateUserCode(random: Random): string {
  let code = '';
  while (code.length < USER_CODE_LENGTH) {
    for (const byte of Buffer.from(random.token(16), 'base64url')) {
      if (byte >= UNBIASED) continue;
      code += USER_CODE_ALPHABET[byte % USER_CODE_ALPHABET.length];
      if (code.length === USER_CODE_LENGTH) break;
    }
  }
  return code;
}

/** §6.1: shown with a dash in the middle, easier to read and type. */
export const formatUserCode = (code: string): string => `${code.slice(0, 4)}-${code.slice(4)}`;

/**
 * What a person typed, as the stored form: upper case, dashes and spaces dropped (§6.1: be lenient with
 * what the user types); undefined when it cannot be a user code, so nothing else reaches the store.
 */
export function normalizeUserCode(typed: string): string | undefined {
  if (typed.length > 32) return undefined;
  const code = typed.toUpperCase().replace(/[-\s]/g, '');
  if (code.length !== USER_CODE_LENGTH) return undefined;
  for (const char of code) if (!USER_CODE_ALPHABET.includes(char)) return undefined;
  return code;
}

/** The stored form: a hash, like every other code. */
export const hashUserCode = (normalized: string): string => sha256(`user_code:${normalized}`);
