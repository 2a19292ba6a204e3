// Admin accounts: argon2id passwords, the first account through the one-time setup link, logins without enumeration.
import { hashPassword, verifyPassword } from '../authn/passwords.ts';
import type { Clock } from '../shared/clock.ts';
import { DuplicateError } from '../store/ports/errors.ts';
import type { AdminUser, AdminUserStore } from '../store/ports/index.ts';

export const ADMIN_USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
/** Admins hold the keys to every client: a longer minimum than end users get. */
export const MIN_ADMIN_PASSWORD = 12;
/** Bounds the work one argon2 call can be made to do. */
export const MAX_ADMIN_PASSWORD = 256;

export interface AdminInput {
  username: string;
  password: string;
  /** When given (forms), must equal the password. */
  confirm?: string | undefined;
}

export type AdminFieldErrors = Partial<Record<'username' | 'password' | 'confirm', string>>;

export function validateAdmin(input: AdminInput): AdminFieldErrors {
  const errors: AdminFieldErrors = {};
  if (!ADMIN_USERNAME.test(input.username)) {
    errors.username = 'Use 1-64 letters, digits or . _ @ -, starting with a letter or digit.';
  }
  if (input.password.length < MIN_ADMIN_PASSWORD) {
    errors.password = `Use at least ${MIN_ADMIN_PASSWORD} characters.`;
  } else if (input.password.length > MAX_ADMIN_PASSWORD) {
    errors.password = `Use at most ${MAX_ADMIN_PASSWORD} characters.`;
  }
  if (input.confirm !== undefined && input.confirm !== input.password) {
    errors.confirm = 'The two passwords differ.';
  }
  return errors;
}

export type CreateAdminResult =
  | { ok: true; user: AdminUser }
  | { ok: false; errors: AdminFieldErrors; setupClosed?: boolean };

/** `first`: only while no admin exists (the setup link), atomically. */
export async function createAdmin(
  users: AdminUserStore,
  input: AdminInput,
  clock: Clock,
  options: { first?: boolean } = {},
): Promise<CreateAdminResult> {
  const errors = validateAdmin(input);
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const user: AdminUser = {
    username: input.username,
    passwordHash: await hashPassword(input.password),
    createdAt: clock.nowSeconds(),
  };
  if (options.first) {
    return (await users.createFirst(user))
      ? { ok: true, user }
      : { ok: false, errors: {}, setupClosed: true };
  }
  try {
    await users.create(user);
    return { ok: true, user };
  } catch (error) {
    if (error instanceof DuplicateError)
      return { ok: false, errors: { username: 'That username is taken.' } };
    throw error;
  }
}

/** The admin when the credentials are right; the same answer and the same work for every wrong guess. */
export async function checkAdminLogin(
  users: AdminUserStore,
  username: string,
  password: string,
): Promise<AdminUser | undefined> {
  if (username.length > 64 || password.length > MAX_ADMIN_PASSWORD) return undefined;
  const user = await users.find(username);
  return (await verifyPassword(user?.passwordHash, password)) ? user : undefined;
}
