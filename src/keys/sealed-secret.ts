// client_secret_jwt secrets at rest: sealed under the master key, because an HMAC key cannot be a hash.
import { decrypt, encrypt } from './encryption.ts';

const CONTEXT = 'client-secret-jwt';
/** A file-configured secret is never stored: config/live.ts keeps it in memory under this prefix. */
const PLAIN = 'plain:';

export function sealSecret(masterKey: Buffer, secret: string): string {
  return encrypt(masterKey, Buffer.from(secret, 'utf8'), CONTEXT);
}

export function unsealSecret(masterKey: Buffer, sealed: string): string {
  if (sealed.startsWith(PLAIN)) return sealed.slice(PLAIN.length);
  return decrypt(masterKey, sealed, CONTEXT).toString('utf8');
}
