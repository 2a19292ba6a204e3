// A readable diff between two snapshots: which clients, APIs, scopes and authenticators were added, removed or changed, field by field.
import { isDeepStrictEqual } from 'node:util';
import type { Snapshot } from '../config/schema.ts';

export type EntityKind =
  | 'authenticator'
  | 'policy'
  | 'scope'
  | 'api'
  | 'trusted_issuer'
  | 'client'
  | 'registration';

export interface FieldChange {
  /** Dotted path inside the entry, e.g. `refresh_token.lifetime`. */
  field: string;
  /** JSON values; undefined when the field was not set. Secrets never appear, only that they changed. */
  before?: unknown;
  after?: unknown;
}

export interface EntityChange {
  kind: EntityKind;
  id: string;
  action: 'added' | 'removed' | 'changed';
  fields: FieldChange[];
  /** An authenticator's type: a field's words can depend on it (a TOTP issuer is a name, an OIDC one a URL). */
  type?: string;
}

type Entry = Record<string, unknown>;

/** The entity lists of a snapshot, in the order a reader expects them. */
export const ENTITY_LISTS: readonly { kind: EntityKind; list: keyof Snapshot; key: string }[] = [
  { kind: 'authenticator', list: 'authenticators', key: 'id' },
  // Optional in a snapshot: a revision from before policies reads as none.
  { kind: 'policy', list: 'policies', key: 'id' },
  { kind: 'scope', list: 'scopes', key: 'name' },
  { kind: 'api', list: 'apis', key: 'identifier' },
  // Token exchange (RFC 8693): optional like policies.
  { kind: 'trusted_issuer', list: 'trusted_issuers', key: 'issuer' },
  { kind: 'client', list: 'clients', key: 'client_id' },
];

/** Hashes are shown as a fact, not a value: a diff is something people paste into tickets. */
const SECRET_FIELDS = new Set([
  'secret_hash',
  'secret',
  'secret_sealed',
  // An upstream provider's client secret (oidc authenticators), given or sealed.
  'client_secret',
  'client_secret_sealed',
]);

function flatten(entry: Entry, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  for (const [key, value] of Object.entries(entry)) {
    if (value === undefined) continue;
    const path = prefix + key;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      flatten(value as Entry, `${path}.`, out);
    } else {
      out.set(path, value);
    }
  }
  return out;
}

/** The hash, sealed form or plaintext of a secret, whichever is set, as one field: the secret. */
function withOneSecret(fields: Map<string, unknown>): Map<string, unknown> {
  const secret = [...SECRET_FIELDS].map((f) => fields.get(f)).find((v) => v !== undefined);
  for (const f of SECRET_FIELDS) fields.delete(f);
  if (secret !== undefined) fields.set('secret', secret);
  return fields;
}

function fieldChanges(before: Entry | undefined, after: Entry | undefined): FieldChange[] {
  const a = withOneSecret(flatten(before ?? {}));
  const b = withOneSecret(flatten(after ?? {}));
  const changes: FieldChange[] = [];
  for (const field of new Set([...a.keys(), ...b.keys()])) {
    const was = a.get(field);
    const now = b.get(field);
    if (isDeepStrictEqual(was, now)) continue;
    if (field === 'secret') {
      changes.push({
        field: 'secret',
        ...(was === undefined ? {} : { before: '(a secret)' }),
        ...(now === undefined ? {} : { after: was === undefined ? '(a secret)' : '(a new secret)' }),
      });
    } else {
      changes.push({
        field,
        ...(was === undefined ? {} : { before: was }),
        ...(now === undefined ? {} : { after: now }),
      });
    }
  }
  return changes;
}

export function diffSnapshots(before: Snapshot, after: Snapshot): EntityChange[] {
  const changes: EntityChange[] = [];
  for (const { kind, list, key } of ENTITY_LISTS) {
    const old = new Map(((before[list] ?? []) as Entry[]).map((e) => [String(e[key]), e]));
    const now = new Map(((after[list] ?? []) as Entry[]).map((e) => [String(e[key]), e]));
    const typed = (entry: Entry | undefined) =>
      kind === 'authenticator' && typeof entry?.['type'] === 'string' ? { type: entry['type'] } : {};
    for (const [id, entry] of old) {
      if (!now.has(id)) changes.push({ kind, id, action: 'removed', fields: [], ...typed(entry) });
      else if (!isDeepStrictEqual(entry, now.get(id))) {
        const fields = fieldChanges(entry, now.get(id));
        changes.push({ kind, id, action: 'changed', fields, ...typed(now.get(id)) });
      }
    }
    for (const [id, entry] of now) {
      if (!old.has(id)) {
        changes.push({ kind, id, action: 'added', fields: fieldChanges(undefined, entry), ...typed(entry) });
      }
    }
  }
  // The registration policy is one setting, not a list: shown as one entry when it changes.
  const [was, now] = [before.registration, after.registration];
  if (!isDeepStrictEqual(was, now)) {
    const action = was === undefined ? 'added' : now === undefined ? 'removed' : 'changed';
    changes.push({
      kind: 'registration',
      id: 'dynamic registration',
      action,
      fields: fieldChanges(was, now),
    });
  }
  return changes;
}
