// What an upstream provider's claims become locally, as pure rules: the mapped profile claims (and when an
// email counts as verified), a username for a new account, and the amr/acr a trusted upstream reports.
import { STANDARD_SCOPES } from '../../../config/schema.ts';
import { USERNAME } from '../../accounts.ts';

type Claims = Record<string, unknown>;

/**
 * Local claims a mapping may fill: OIDC Core §5.1 standard claims. Never `sub` (the link is the upstream's issuer
 * and sub), never the verified flags (set here only as the upstream states them), never `updated_at` (Tessera's
 * own), and never `preferred_username`: it is the account's username (accounts.ts), chosen once at creation.
 */
const NEVER = new Set(['sub', 'email_verified', 'phone_number_verified', 'updated_at', 'preferred_username']);
const MAPPABLE: ReadonlySet<string> = new Set(
  (Object.values(STANDARD_SCOPES).flat() as string[]).filter((c) => !NEVER.has(c)),
);
/** OIDC Core §5.1.1: the members of the address claim. */
const ADDRESS_MEMBERS = ['formatted', 'street_address', 'locality', 'region', 'postal_code', 'country'];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** The profile page's bound on a value (authn/profile.ts applyProfile). */
const MAX_VALUE = 200;

/** A string claim made safe to keep: control characters removed, trimmed, cut short; undefined when nothing is left. */
function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  const CONTROL = /[\u0000-\u001f\u007f]/g;
  const clean = value.replace(CONTROL, '').trim().slice(0, MAX_VALUE);
  return clean === '' ? undefined : clean;
}

/**
 * The local claims `mapping` (local claim -> upstream claim) fills from `upstream`. `email_verified` and
 * `phone_number_verified` follow the upstream's own flag (a JSON true, nothing else) and only when the local
 * value comes from the upstream claim that flag is about: an email mapped from some other claim is unverified.
 */
export function mapClaims(upstream: Claims, mapping: Readonly<Record<string, string>>): Claims {
  const mapped: Claims = {};
  for (const [local, remote] of Object.entries(mapping)) {
    if (!MAPPABLE.has(local) || !Object.hasOwn(upstream, remote)) continue;
    const value = upstream[remote];
    if (local === 'address') {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) continue;
      const address: Claims = {};
      for (const member of ADDRESS_MEMBERS) {
        const v = text((value as Claims)[member]);
        if (v !== undefined) address[member] = v;
      }
      if (Object.keys(address).length > 0) mapped['address'] = address;
      continue;
    }
    const v = text(value);
    if (v === undefined || (local === 'email' && !EMAIL.test(v))) continue;
    mapped[local] = v;
  }
  if (mapped['email'] !== undefined)
    mapped['email_verified'] = mapping['email'] === 'email' && upstream['email_verified'] === true;
  if (mapped['phone_number'] !== undefined)
    mapped['phone_number_verified'] =
      mapping['phone_number'] === 'phone_number' && upstream['phone_number_verified'] === true;
  return mapped;
}

/**
 * The account's claims after a login brought `mapped`: each mapped claim replaces the local one; a claim the
 * upstream did not send this time stays as it was. `updated_at` moves only when something changed.
 */
export function refreshedClaims(current: Claims, mapped: Claims, now: number): Claims {
  const next: Claims = { ...current, ...mapped };
  // An address Tessera verified itself (an emailed link) stays verified while the upstream sends the same one.
  if (
    mapped['email'] !== undefined &&
    mapped['email'] === current['email'] &&
    current['email_verified'] === true
  )
    next['email_verified'] = true;
  const changed = Object.keys(mapped).some((k) => JSON.stringify(current[k]) !== JSON.stringify(next[k]));
  if (!changed) return current;
  next['updated_at'] = now;
  return next;
}

/** A username for a new account: the upstream's preferred_username, else its email's local part, if usable. */
export function suggestedUsername(upstream: Claims): string {
  const email = typeof upstream['email'] === 'string' ? upstream['email'] : '';
  const candidates = [upstream['preferred_username'], email.includes('@') ? email.split('@')[0] : undefined];
  for (const c of candidates) if (typeof c === 'string' && USERNAME.test(c)) return c;
  return 'user';
}

/** The names to try for a new account, in order: the suggestion, then with -2 .. -9, then with a random tail. */
export function usernameCandidates(base: string, randomTail: () => string): string[] {
  const root = (USERNAME.test(base) ? base : 'user').slice(0, 50);
  const numbered = [2, 3, 4, 5, 6, 7, 8, 9].map((n) => `${root}-${n}`);
  const random = [0, 1, 2].map(() => `${root}-${randomTail()}`);
  return [base, ...numbered, ...random].filter((u) => USERNAME.test(u));
}

/** Who the person is upstream, in a few words for the choice page: an email, else a name; '' without either. */
export function displayName(upstream: Claims): string {
  return (
    text(upstream['email']) ??
    text(upstream['name']) ??
    text(upstream['preferred_username']) ??
    ''
  ).slice(0, 100);
}

/** RFC 8176 §2: the registered amr values; an upstream's own values are not carried. */
const RFC8176 = new Set([
  'face',
  'fpt',
  'geo',
  'hwk',
  'iris',
  'kba',
  'mca',
  'mfa',
  'otp',
  'pin',
  'pop',
  'pwd',
  'rba',
  'retina',
  'sc',
  'sms',
  'swk',
  'tel',
  'user',
  'vbm',
  'wia',
]);

/**
 * What a trusted upstream says about how it authenticated the person, from its validated ID token: its amr
 * values that RFC 8176 registers, and its acr when it is a plain token (printable ASCII, as acr_values needs).
 * Not trusted: nothing; the session then carries Tessera's own acr for the authenticator and no amr.
 */
export function upstreamAuthentication(
  trusted: boolean,
  idToken: Claims,
): { amr: string[]; acr: string | null } {
  if (!trusted) return { amr: [], acr: null };
  const amr = Array.isArray(idToken['amr'])
    ? [...new Set(idToken['amr'].filter((v): v is string => typeof v === 'string' && RFC8176.has(v)))]
    : [];
  const acr = idToken['acr'];
  return { amr, acr: typeof acr === 'string' && /^[\x21-\x7e]{1,200}$/.test(acr) ? acr : null };
}
