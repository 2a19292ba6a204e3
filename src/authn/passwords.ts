// Password hashing with argon2id at OWASP's minimum (m=19 MiB, t=2, p=1).
import { hash, verify } from '@node-rs/argon2';

/** Algorithm.Argon2id; the enum is ambient const and cannot be imported under verbatimModuleSyntax. */
const ARGON2ID = 2;
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string): Promise<string> => hash(password, OPTIONS);

let dummy: Promise<string> | undefined;

/** Verifies against a real hash, or a dummy one when the account is unknown, so timing does not reveal accounts. */
export async function verifyPassword(stored: string | undefined, password: string): Promise<boolean> {
  dummy ??= hashPassword('tessera-dummy-password');
  const target = stored ?? (await dummy);
  const ok = await verify(target, password).catch(() => false);
  return ok && stored !== undefined;
}
