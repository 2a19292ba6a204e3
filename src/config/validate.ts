// Whole-snapshot validation: the schema plus the cross-references it cannot express, every failure with its path.
import type { z } from 'zod';
import { type Snapshot, STANDARD_SCOPES, snapshotSchema } from './schema.ts';
import { exchangeCrossCheck } from './schema-exchange.ts';
import { oidcIssues } from './validate-oidc.ts';
import { policyIssues } from './validate-policies.ts';

export interface ConfigIssue {
  path: string;
  message: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; issues: ConfigIssue[] };

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    out += typeof part === 'number' ? `[${part}]` : out === '' ? String(part) : `.${String(part)}`;
  }
  return out || '(root)';
}

export function zodIssues(error: z.ZodError, prefix: readonly PropertyKey[] = []): ConfigIssue[] {
  return error.issues.map((issue) => ({
    path: formatPath([...prefix, ...issue.path]),
    message: issue.message,
  }));
}

/** Checks that hold across entries: unique ids, and references to authenticators and scopes that exist. */
export function crossCheck(snapshot: Snapshot, prefix: readonly PropertyKey[] = []): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const at = (...path: PropertyKey[]) => formatPath([...prefix, ...path]);
  const authenticators = new Set<string>();
  snapshot.authenticators.forEach((a, i) => {
    if (authenticators.has(a.id))
      issues.push({ path: at('authenticators', i, 'id'), message: `duplicate id "${a.id}"` });
    authenticators.add(a.id);
  });
  const scopes = new Set<string>(Object.keys(STANDARD_SCOPES));
  snapshot.scopes.forEach((s, i) => {
    if (scopes.has(s.name))
      issues.push({ path: at('scopes', i, 'name'), message: `scope "${s.name}" already exists` });
    scopes.add(s.name);
  });
  const apis = new Set<string>();
  (snapshot.apis ?? []).forEach((a, i) => {
    if (apis.has(a.identifier))
      issues.push({ path: at('apis', i, 'identifier'), message: `duplicate API "${a.identifier}"` });
    apis.add(a.identifier);
    a.scopes.forEach((scope, j) => {
      if (!scopes.has(scope))
        issues.push({ path: at('apis', i, 'scopes', j), message: `unknown scope "${scope}"` });
    });
  });
  // RFC 8707: the APIs every registered client may name must exist (the registration policy).
  (snapshot.registration?.apis ?? []).forEach((api, i) => {
    if (!apis.has(api)) issues.push({ path: at('registration', 'apis', i), message: `unknown API "${api}"` });
  });
  const clients = new Set<string>();
  snapshot.clients.forEach((c, i) => {
    if (clients.has(c.client_id)) {
      issues.push({ path: at('clients', i, 'client_id'), message: `duplicate client_id "${c.client_id}"` });
    }
    clients.add(c.client_id);
    if (!authenticators.has(c.authenticator)) {
      issues.push({
        path: at('clients', i, 'authenticator'),
        message: `no authenticator with id "${c.authenticator}"`,
      });
    }
    c.scopes.forEach((scope, j) => {
      if (!scopes.has(scope))
        issues.push({ path: at('clients', i, 'scopes', j), message: `unknown scope "${scope}"` });
    });
    (c.apis ?? []).forEach((api, j) => {
      if (!apis.has(api))
        issues.push({ path: at('clients', i, 'apis', j), message: `no API with identifier "${api}"` });
    });
  });
  issues.push(...exchangeCrossCheck(snapshot, at));
  issues.push(...policyIssues(snapshot, at));
  issues.push(...oidcIssues(snapshot, at));
  return issues;
}

export function validateSnapshot(input: unknown): Validated<Snapshot> {
  const parsed = snapshotSchema.safeParse(input);
  if (!parsed.success) return { ok: false, issues: zodIssues(parsed.error) };
  const issues = crossCheck(parsed.data);
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: parsed.data };
}

/**
 * The cross-reference checks over a file that failed the schema, so one run reports every problem:
 * only the fields crossCheck reads are taken, and only where they have the right type.
 */
export function crossCheckRaw(raw: Record<string, unknown>, defaults: Snapshot): ConfigIssue[] {
  const list = (value: unknown): Record<string, unknown>[] =>
    Array.isArray(value)
      ? value.map((v) => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {}))
      : [];
  const text = (value: unknown, fallback: string) => (typeof value === 'string' ? value : fallback);
  const declaredAuthenticators = list(raw['authenticators']).map((a, i) => ({ id: text(a['id'], `#${i}`) }));
  const skeleton = {
    // As at a normal load: the file's entries over the built-in defaults.
    authenticators: [...defaults.authenticators, ...declaredAuthenticators],
    scopes: list(raw['scopes']).map((s, i) => ({ name: text(s['name'], `#${i}`) })),
    apis: list(raw['apis']).map((a, i) => ({ identifier: text(a['identifier'], `#${i}`), scopes: [] })),
    clients: list(raw['clients']).map((c, i) => ({
      client_id: text(c['client_id'], `#${i}`),
      authenticator: text(c['authenticator'], 'username-password'),
      scopes: Array.isArray(c['scopes']) ? c['scopes'].filter((s): s is string => typeof s === 'string') : [],
    })),
  } as unknown as Snapshot;
  return crossCheck(skeleton);
}
