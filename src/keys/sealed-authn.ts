// Authenticator secrets at rest (TOTP keys): sealed under the secret-sealing data key, in their own context.
import { open, seal } from './encryption.ts';

/** A distinct context from client_secret_jwt secrets: a sealed value of one kind never opens as the other. */
const CONTEXT = 'authn-secret';

export function authnSecretBox(key: Buffer): {
  seal(plaintext: string): string;
  open(sealed: string): string;
} {
  return {
    seal: (plaintext) => seal(key, Buffer.from(plaintext, 'utf8'), CONTEXT),
    open: (sealed) => open(key, sealed, CONTEXT).toString('utf8'),
  };
}
