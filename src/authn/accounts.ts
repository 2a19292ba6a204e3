// Accounts of the Authentication Service: registration rules and credential checks, no HTTP.
import type { Clock } from '../shared/clock.ts';
import { DuplicateError } from '../store/ports/errors.ts';
import type { Account, AccountStore } from '../store/ports/index.ts';
import { isEmailAddress } from './email/address.ts';
import { hashPassword, verifyPassword } from './passwords.ts';

export const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$/;
export const MIN_PASSWORD = 8;
/** Bounds the work an argon2 call can be made to do. */
export const MAX_PASSWORD = 256;

export interface RegistrationInput {
  username: string;
  password: string;
  email?: string | undefined;
  name?: string | undefined;
  /** An authenticator whose logins need a verified email address (require_verified_email) needs one to verify. */
  emailRequired?: boolean | undefined;
}

export type FieldErrors = Partial<Record<'username' | 'password' | 'email' | 'name', string>>;

export function validateRegistration(input: RegistrationInput): FieldErrors {
  const errors: FieldErrors = {};
  if (!USERNAME.test(input.username)) {
    errors.username = 'Use 1-64 letters, digits or . _ @ + -, starting with a letter or digit.';
  }
  if (input.password.length < MIN_PASSWORD) errors.password = `Use at least ${MIN_PASSWORD} characters.`;
  if (input.password.length > MAX_PASSWORD) errors.password = `Use at most ${MAX_PASSWORD} characters.`;
  if (input.email !== undefined && input.email !== '' && !isEmailAddress(input.email)) {
    errors.email = 'Enter an email address such as name@example.com.';
  }
  if (input.emailRequired && (input.email ?? '') === '')
    errors.email = 'Enter your email address: we send a link to it to confirm it is yours.';
  if (input.name !== undefined && input.name.length > 200) errors.name = 'Use at most 200 characters.';
  return errors;
}

export type RegisterResult = { ok: true; account: Account } | { ok: false; errors: FieldErrors };

export async function registerAccount(
  input: RegistrationInput,
  store: AccountStore,
  clock: Clock,
): Promise<RegisterResult> {
  const errors = validateRegistration(input);
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const claims: Record<string, unknown> = { preferred_username: input.username };
  if (input.email) Object.assign(claims, { email: input.email, email_verified: false });
  if (input.name) claims['name'] = input.name;
  try {
    // The username is the subject identifier, as in the seed's ID token (sub: "johndoe").
    const account = await store.create({
      id: input.username,
      username: input.username,
      passwordHash: await hashPassword(input.password),
      claims,
      createdAt: clock.nowSeconds(),
    });
    return { ok: true, account };
  } catch (error) {
    if (error instanceof DuplicateError)
      return { ok: false, errors: { username: 'That username is taken.' } };
    throw error;
  }
}

/** The account when the credentials are right; undefined otherwise, with no hint which part was wrong. */
export async function checkCredentials(
  username: string,
  password: string,
  store: AccountStore,
): Promise<Account | undefined> {
  if (username.length > 64 || password.length > MAX_PASSWORD) return undefined;
  const account = await store.findByUsername(username);
  const ok = await verifyPassword(account?.passwordHash, password);
  return ok && account && !account.disabled ? account : undefined;
}
