// Encryption at rest: AES-256-GCM bound to a context, in one sealed format; and HKDF for per-purpose keys.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

export function deriveKey(secret: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), `tessera:${purpose}`, 32));
}

/** A sealed value that does not open: the format is unknown, or the key or context is not the one it was sealed with. */
export class SealError extends Error {
  constructor(
    message: string,
    readonly reason: 'format' | 'key',
  ) {
    super(message);
  }
}

/**
 * `v1.<iv>.<tag>.<body>[.<keyId>]`: the key id names the master key a value is sealed under (its
 * fingerprint), so a node holding two keys tries the right one. It trails instead of leading because a
 * release before key ids read only the first four parts: it still opens what a newer node seals, which
 * keeps a rolling upgrade on one master key readable both ways. Values sealed before key ids have none.
 */
export function seal(key: Buffer, plaintext: Buffer, context: string, keyId?: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const parts = ['v1', iv, cipher.getAuthTag(), body].map((p) =>
    typeof p === 'string' ? p : p.toString('base64url'),
  );
  return (keyId === undefined ? parts : [...parts, keyId]).join('.');
}

function parse(sealed: string) {
  const [version, iv, tag, body, keyId, extra] = sealed.split('.');
  if (version !== 'v1' || !iv || !tag || body === undefined || keyId === '' || extra !== undefined)
    throw new SealError('unrecognised encrypted value format', 'format');
  return { iv, tag, body, keyId: keyId ?? null };
}

/** The key id a sealed value names; null for a value sealed before key ids (or under a key without one). */
export function keyIdOf(sealed: string): string | null {
  return parse(sealed).keyId;
}

export function open(key: Buffer, sealed: string, context: string): Buffer {
  const { iv, tag, body } = parse(sealed);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
  } catch {
    throw new SealError('cannot decrypt: another key, another context, or a changed value', 'key');
  }
}
