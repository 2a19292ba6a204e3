// Profile attributes an account carries (OIDC Core §5.1 standard claims) and the rules for editing them.
import { isEmailAddress } from './email/address.ts';

export interface ProfileField {
  name: string;
  label: string;
  autocomplete: string;
  /** Where the value lives in the claims: a top-level claim, or a member of the address claim. */
  address?: true;
  check?: (value: string) => string | undefined;
}

export const PROFILE_FIELDS: readonly ProfileField[] = [
  { name: 'name', label: 'Full name', autocomplete: 'name' },
  { name: 'given_name', label: 'Given name', autocomplete: 'given-name' },
  { name: 'family_name', label: 'Family name', autocomplete: 'family-name' },
  { name: 'nickname', label: 'Nickname', autocomplete: 'nickname' },
  {
    name: 'email',
    label: 'Email',
    autocomplete: 'email',
    check: (v) => (isEmailAddress(v) ? undefined : 'Enter an email address such as name@example.com.'),
  },
  {
    name: 'phone_number',
    label: 'Phone number',
    autocomplete: 'tel',
    check: (v) => (/^\+?[0-9 ()-]{3,32}$/.test(v) ? undefined : 'Enter a phone number such as +1 555 0100.'),
  },
  {
    name: 'website',
    label: 'Website',
    autocomplete: 'url',
    check: (v) => (/^https?:\/\/\S+$/.test(v) ? undefined : 'Enter a web address starting with https://'),
  },
  {
    name: 'birthdate',
    label: 'Birthdate (YYYY-MM-DD)',
    autocomplete: 'bday',
    check: (v) => (/^\d{4}(-\d{2}-\d{2})?$/.test(v) ? undefined : 'Use the form YYYY-MM-DD.'),
  },
  { name: 'locale', label: 'Locale (e.g. en-GB)', autocomplete: 'language' },
  { name: 'street_address', label: 'Street address', autocomplete: 'street-address', address: true },
  { name: 'locality', label: 'City', autocomplete: 'address-level2', address: true },
  { name: 'region', label: 'Region', autocomplete: 'address-level1', address: true },
  { name: 'postal_code', label: 'Postal code', autocomplete: 'postal-code', address: true },
  { name: 'country', label: 'Country', autocomplete: 'country-name', address: true },
];

export function profileValue(claims: Record<string, unknown>, field: ProfileField): string {
  const source = field.address ? ((claims['address'] as Record<string, unknown> | undefined) ?? {}) : claims;
  const value = source[field.name];
  return typeof value === 'string' ? value : '';
}

/** The claims after an edit, or the field errors; changing email or phone clears its verified flag. */
export function applyProfile(
  claims: Record<string, unknown>,
  form: Record<string, string>,
  now: number,
): { ok: true; claims: Record<string, unknown> } | { ok: false; errors: Record<string, string> } {
  const next: Record<string, unknown> = { ...claims };
  const address: Record<string, unknown> = {
    ...((claims['address'] as Record<string, unknown> | undefined) ?? {}),
  };
  const errors: Record<string, string> = {};
  for (const field of PROFILE_FIELDS) {
    const value = (form[field.name] ?? '').trim().slice(0, 200);
    const error = value === '' ? undefined : field.check?.(value);
    if (error) errors[field.name] = error;
    const target = field.address ? address : next;
    if (value === '') delete target[field.name];
    else target[field.name] = value;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  if (next['email'] !== claims['email']) next['email_verified'] = false;
  if (next['phone_number'] !== claims['phone_number']) next['phone_number_verified'] = false;
  if (next['email'] === undefined) delete next['email_verified'];
  if (next['phone_number'] === undefined) delete next['phone_number_verified'];
  const parts = Object.values(address).filter((v) => typeof v === 'string') as string[];
  if (parts.length > 0) next['address'] = { ...address, formatted: parts.join(', ') };
  else delete next['address'];
  next['updated_at'] = now;
  return { ok: true, claims: next };
}
