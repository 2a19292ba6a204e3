// Random port: CSPRNG-backed identifiers and opaque tokens, injected so tests can replace it.
import { randomBytes, randomUUID } from 'node:crypto';

export interface Random {
  /** `bytes` random bytes as base64url (32 bytes = 256 bits = 43 characters). */
  token(bytes?: number): string;
  uuid(): string;
}

export const cryptoRandom: Random = {
  token: (bytes = 32) => randomBytes(bytes).toString('base64url'),
  uuid: () => randomUUID(),
};
