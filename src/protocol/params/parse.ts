// Request parameter handling shared by every endpoint: allow-lists, repeated-parameter refusal, empty = absent.
import { OAuthError } from '../errors.ts';

export type RawParams = Record<string, string | string[] | undefined>;
export type Params<K extends string> = Partial<Record<K, string>>;

export interface Picked<K extends string> {
  params: Params<K>;
  /** Allowed parameters that appeared more than once (RFC 6749 §3.1: MUST NOT be included more than once). */
  repeated: K[];
}

/** Keeps the allowed parameters, ignores unknown ones (RFC 6749 §3.1), treats empty values as omitted. */
export function pickParams<K extends string>(raw: RawParams, allowed: readonly K[]): Picked<K> {
  const params: Params<K> = {};
  const repeated: K[] = [];
  for (const name of allowed) {
    const value = Object.hasOwn(raw, name) ? raw[name] : undefined;
    if (Array.isArray(value)) {
      if (value.filter((v) => v !== '').length > 1 || value.length > 1) repeated.push(name);
      continue;
    }
    if (typeof value === 'string' && value !== '') params[name] = value;
  }
  return { params, repeated };
}

/** Every non-empty value of a parameter that may repeat (RFC 8707 §2 resource), duplicates collapsed. */
export function multiValues(raw: RawParams, name: string): string[] {
  const value = Object.hasOwn(raw, name) ? raw[name] : undefined;
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return [...new Set(values.filter((v) => v !== ''))];
}

export function refuseRepeated(repeated: readonly string[]): OAuthError | undefined {
  if (repeated.length === 0) return undefined;
  return new OAuthError(
    'invalid_request',
    `parameter${repeated.length > 1 ? 's' : ''} ${repeated.join(', ')} must not be repeated`,
  );
}

/** RFC 6749 §3.3: space-delimited scope tokens; duplicates collapse, order is kept. */
export function parseScope(value: string | undefined): string[] | OAuthError {
  if (value === undefined) return [];
  const tokens = value.split(' ').filter((t) => t !== '');
  for (const token of tokens) {
    if (!/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(token)) {
      return new OAuthError('invalid_scope', 'scope contains characters RFC 6749 §3.3 does not allow');
    }
  }
  return [...new Set(tokens)];
}
