// What Tessera accepts as an email address: one plain address (no display name, list or quoting), at most 254
// characters (RFC 5321 §4.5.3.1.3), so every address an account holds can be written into a To header as it is.

// The characters refused in either part are those that would quote, comment, list or route an address.
const ADDRESS = /^[^\s@<>()[\]",;:\\]+@[^\s@<>()[\]",;:\\.][^\s@<>()[\]",;:\\]*\.[^\s@<>()[\]",;:\\]+$/;
const CONTROL = /\p{Cc}/u;

export const MAX_EMAIL = 254;

export const isEmailAddress = (value: string): boolean =>
  value.length <= MAX_EMAIL && ADDRESS.test(value) && !CONTROL.test(value);

/** The address as the "Check your email" page shows it: a•••@example.com (the domain whole, so a typo shows). */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '•••';
  return `${email[0]}•••${email.slice(at)}`;
}
