// client_secret_jwt secrets at rest: sealed under the secret-sealing data key, because an HMAC key cannot be a hash.
import { open, seal } from './encryption.ts';

const CONTEXT = 'client-secret-jwt';
/** A file-configured secret is never stored: config/live.ts keeps it in memory under this prefix. */
const PLAIN = 'plain:';

/**
 * `key` is the 'secret-sealing' data key (keys/data-keys.ts): it never changes, so committed revisions
 * holding sealed secrets do not depend on the master key, and a master-key rotation never rewrites them.
 * Its first value is the key these secrets were sealed with before data keys, so those still open.
 */
export function sealSecret(key: Buffer, secret: string): string {
  return seal(key, Buffer.from(secret, 'utf8'), CONTEXT);
}

export function unsealSecret(key: Buffer, sealed: string): string {
  if (sealed.startsWith(PLAIN)) return sealed.slice(PLAIN.length);
  return open(key, sealed, CONTEXT).toString('utf8');
}
