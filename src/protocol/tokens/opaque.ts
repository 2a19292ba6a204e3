// Opaque tokens and codes: 256 bits from the CSPRNG, only their SHA-256 is ever stored.
import { sha256 } from '../../shared/crypto.ts';
import type { Random } from '../../shared/random.ts';

export interface Minted {
  value: string;
  hash: string;
}

export function mint(random: Random): Minted {
  const value = random.token(32);
  return { value, hash: sha256(value) };
}

export const hashToken = sha256;
