// Scope edits on a draft snapshot; the OIDC standard scopes are built in and cannot be edited or removed.
import { type ScopeConfig, type Snapshot, STANDARD_SCOPES, scopeSchema } from '../config/schema.ts';
import { AdminError, notFound } from './errors.ts';
import { type ScopeCreateInput, type ScopePatch, scopeCreateInput, scopePatchInput } from './inputs.ts';
import { parseInput } from './parse.ts';

const isStandard = (name: string) => Object.hasOwn(STANDARD_SCOPES, name);

const builtIn = (name: string) =>
  new AdminError('invalid_request', `"${name}" is a built-in OpenID Connect scope`, {
    issues: [{ path: 'name', message: `"${name}" is a built-in OpenID Connect scope and cannot be changed` }],
  });

const find = (snapshot: Snapshot, name: string): ScopeConfig => {
  if (isStandard(name)) throw builtIn(name);
  const found = snapshot.scopes.find((s) => s.name === name);
  if (!found) throw notFound(`scope "${name}"`);
  return found;
};

export function createScope(snapshot: Snapshot, raw: ScopeCreateInput): Snapshot {
  const scope = parseInput(scopeCreateInput, raw);
  if (isStandard(scope.name)) throw builtIn(scope.name);
  if (snapshot.scopes.some((s) => s.name === scope.name)) {
    throw new AdminError('duplicate', `a scope "${scope.name}" already exists`, {
      issues: [{ path: 'name', message: `a scope "${scope.name}" already exists` }],
    });
  }
  return { ...snapshot, scopes: [...snapshot.scopes, scope] };
}

export function updateScope(snapshot: Snapshot, name: string, raw: ScopePatch): Snapshot {
  const existing = find(snapshot, name);
  const patch = parseInput(scopePatchInput, raw) as ScopePatch;
  const scope = parseInput(scopeSchema, { ...existing, ...patch });
  return { ...snapshot, scopes: snapshot.scopes.map((s) => (s.name === name ? scope : s)) };
}

/** Clients that still use the scope make the commit fail, which lists them. */
export function deleteScope(snapshot: Snapshot, name: string): Snapshot {
  find(snapshot, name);
  return { ...snapshot, scopes: snapshot.scopes.filter((s) => s.name !== name) };
}
