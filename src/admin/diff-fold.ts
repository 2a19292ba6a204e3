// A new client in one line: its flow, how it authenticates and its scopes, with the fields left at their defaults folded away.
import { clientSchema } from '../config/schema-client.ts';
import type { EntityChange, FieldChange } from './diff.ts';
import { CAPABILITY_WORDS } from './field-labels.ts';

/** The short words a one-line summary uses for client authentication. */
const AUTH_SHORT: Record<string, string> = {
  client_secret_basic: 'secret with HTTP Basic',
  client_secret_post: 'secret in the form body',
  client_secret_jwt: 'JWT signed with the secret',
  private_key_jwt: 'JWT signed with a private key',
  none: 'public, PKCE',
};

/** Fields the headline says in words, so they are neither listed nor counted as defaults. */
const IN_HEADLINE = new Set(['capabilities', 'token_endpoint_auth_method']);

function flatDefaults(): Map<string, unknown> {
  // The smallest valid client: whatever else it has, the schema filled in.
  const parsed = clientSchema.parse({
    client_id: 'x',
    token_endpoint_auth_method: 'none',
    redirect_uris: ['https://x.example/cb'],
  }) as Record<string, unknown>;
  const out = new Map<string, unknown>();
  const walk = (entry: Record<string, unknown>, prefix: string) => {
    for (const [key, value] of Object.entries(entry)) {
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        walk(value as Record<string, unknown>, `${prefix}${key}.`);
      } else out.set(prefix + key, value);
    }
  };
  walk(parsed, '');
  for (const given of ['client_id', 'token_endpoint_auth_method', 'redirect_uris']) out.delete(given);
  return out;
}

const DEFAULTS = flatDefaults();

export interface FoldedClient {
  /** "Code Flow, secret with HTTP Basic, 3 scopes". */
  headline: string;
  /** The fields set to something other than the schema's default, to list below the headline. */
  fields: FieldChange[];
  /** The fields left at their defaults, folded under one count. */
  defaults: FieldChange[];
}

const addedValue = (change: EntityChange, field: string) =>
  change.fields.find((f) => f.field === field)?.after;

/** A client being added, folded; undefined for any other change, which is listed field by field. */
export function foldAddedClient(change: EntityChange): FoldedClient | undefined {
  if (change.kind !== 'client' || change.action !== 'added') return undefined;
  const capabilities = (addedValue(change, 'capabilities') as string[] | undefined) ?? [];
  const method = String(addedValue(change, 'token_endpoint_auth_method') ?? '');
  const scopes = (addedValue(change, 'scopes') as string[] | undefined) ?? [];
  const headline = [
    capabilities.map((c) => CAPABILITY_WORDS[c] ?? c).join(' and '),
    AUTH_SHORT[method] ?? method,
    `${scopes.length} scope${scopes.length === 1 ? '' : 's'}`,
  ]
    .filter((part) => part !== '')
    .join(', ');
  const fields: FieldChange[] = [];
  const defaults: FieldChange[] = [];
  for (const field of change.fields) {
    if (IN_HEADLINE.has(field.field) || field.field === 'client_id') continue;
    const isDefault =
      DEFAULTS.has(field.field) && JSON.stringify(DEFAULTS.get(field.field)) === JSON.stringify(field.after);
    (isDefault ? defaults : fields).push(field);
  }
  return { headline, fields, defaults };
}
