// What a request trace may keep of a parameter or header: secrets hidden, codes and tokens cut to a prefix.

/** Shown as their length only: a prefix of a password-like secret is still part of the secret. */
const HIDDEN = new Set(['client_secret', 'password']);

/** Cut to a short prefix: enough to tell two values apart in a trace, too little to use one. */
const PREFIXED = new Set([
  'code',
  'code_verifier',
  'refresh_token',
  'access_token',
  'token',
  'id_token_hint',
  'client_assertion',
  'request',
  'assertion',
  'dpop',
  'authorization',
]);

const PREFIX = 6;
/** Any other value is kept whole up to this length: traces live in memory, a huge parameter would not. */
const MAX_PLAIN = 300;

export const isRedacted = (name: string): boolean => HIDDEN.has(name) || PREFIXED.has(name);

function prefixOf(value: string): string {
  return value.length <= PREFIX ? '…' : `${value.slice(0, PREFIX)}… (${value.length} chars)`;
}

/** The Authorization header's scheme stays readable; its credentials do not (Basic carries the secret). */
function redactAuthorization(value: string): string {
  const space = value.indexOf(' ');
  const scheme = space === -1 ? value : value.slice(0, space);
  const credentials = space === -1 ? '' : value.slice(space + 1);
  if (scheme.toLowerCase() === 'basic') return `Basic [hidden, ${credentials.length} chars]`;
  return `${scheme} ${prefixOf(credentials)}`;
}

export function redactValue(name: string, value: string): string {
  const key = name.toLowerCase();
  if (HIDDEN.has(key)) return `[hidden, ${value.length} chars]`;
  if (key === 'authorization') return redactAuthorization(value);
  if (PREFIXED.has(key)) return prefixOf(value);
  return value.length > MAX_PLAIN ? `${value.slice(0, MAX_PLAIN)}… (${value.length} chars)` : value;
}

/** A parsed query or form body, each value redacted by its name; repeated values joined in order. */
export function redactParams(raw: Readonly<Record<string, unknown>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!raw) return out;
  for (const [name, value] of Object.entries(raw)) {
    const values = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
    if (values.length === 0) continue;
    out[name] = values.map((v) => redactValue(name, v)).join(' | ');
  }
  return out;
}
