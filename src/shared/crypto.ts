// Hashing and comparison helpers for secrets that must never be stored or compared in the clear.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** SHA-256 of a high-entropy value (codes, tokens, session ids): what the store keeps. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/** Keyed hash for client secrets: fast to verify, useless without the server key. */
export function hmacSha256(key: Buffer, value: string): string {
  return createHmac('sha256', key).update(value).digest('base64url');
}

/** Constant-time string equality; lengths leak, contents do not. */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
