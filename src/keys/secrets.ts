// Client secrets: generated with 256 bits, stored as HMAC-SHA-256 under a server key, verified in constant time.
import { hmacSha256, safeEqual } from '../shared/crypto.ts';
import type { Random } from '../shared/random.ts';

const PREFIX = 'hmac-sha256:';

export interface SecretHasher {
  hash(secret: string): string;
  verify(secret: string, stored: string): boolean;
}

/** `key` is the 'client-secret' data key (keys/data-keys.ts): stored, so a new master key leaves every hash valid. */
export function createSecretHasher(key: Buffer): SecretHasher {
  const hash = (secret: string) => PREFIX + hmacSha256(key, secret);
  return {
    hash,
    verify: (secret, stored) => safeEqual(hash(secret), stored),
  };
}

export function generateClientSecret(random: Random): string {
  return random.token(32);
}
