// Client secrets: generated with 256 bits, stored as HMAC-SHA-256 under a server key, verified in constant time.
import { hmacSha256, safeEqual } from '../shared/crypto.ts';
import type { Random } from '../shared/random.ts';
import { deriveKey } from './encryption.ts';

const PREFIX = 'hmac-sha256:';

export interface SecretHasher {
  hash(secret: string): string;
  verify(secret: string, stored: string): boolean;
}

export function createSecretHasher(masterKey: Buffer): SecretHasher {
  const key = deriveKey(masterKey, 'client-secret');
  const hash = (secret: string) => PREFIX + hmacSha256(key, secret);
  return {
    hash,
    verify: (secret, stored) => safeEqual(hash(secret), stored),
  };
}

export function generateClientSecret(random: Random): string {
  return random.token(32);
}
