// Password hashing with argon2id at OWASP's minimum (m=19 MiB, t=2, p=1).
import { availableParallelism } from 'node:os';
import { hash, verify } from '@node-rs/argon2';

/** Algorithm.Argon2id; the enum is ambient const and cannot be imported under verbatimModuleSyntax. */
const ARGON2ID = 2;
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * Each hash holds 19 MiB while it runs, and libuv's pool would run four at once however few cores there
 * are: at most one per core runs, the rest wait their turn. No hash finishes later for it (they are CPU-bound),
 * and a burst of logins costs 19 MiB per core rather than per pool thread (issue 15: memory per process).
 */
const SLOTS = Math.max(1, Math.min(4, availableParallelism()));
let running = 0;
const waiting: (() => void)[] = [];

async function gated<T>(work: () => Promise<T>): Promise<T> {
  if (running >= SLOTS) await new Promise<void>((resolve) => waiting.push(resolve));
  else running++;
  try {
    return await work();
  } finally {
    // The slot passes straight to the next in line, or is given back.
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

export const hashPassword = (password: string): Promise<string> => gated(() => hash(password, OPTIONS));

/**
 * The password hash of an account no password signs in to (made through another provider, authenticators/oidc):
 * no argon2 hash, so no password verifies against it.
 */
export const NO_PASSWORD = '';

/** Whether the stored hash is one a password can match (an argon2 hash, not NO_PASSWORD). */
export const hasPassword = (stored: string): boolean => stored.startsWith('$argon2');

let dummy: Promise<string> | undefined;

/**
 * Verifies against a real hash, or a dummy one when the account is unknown or has no password, so timing
 * reveals neither which accounts exist nor which of them have a password.
 */
export async function verifyPassword(stored: string | undefined, password: string): Promise<boolean> {
  dummy ??= hashPassword('tessera-dummy-password');
  const usable = stored !== undefined && hasPassword(stored);
  const target = usable ? stored : await dummy;
  const ok = await gated(() => verify(target, password)).catch(() => false);
  return ok && usable;
}
