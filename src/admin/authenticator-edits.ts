// Authenticator edits on a draft snapshot: the html-form username/password login, with registration on or off.
import { type AuthenticatorConfig, authenticatorSchema, type Snapshot } from '../config/schema.ts';
import { AdminError, notFound } from './errors.ts';
import {
  type AuthenticatorCreateInput,
  type AuthenticatorPatch,
  authenticatorCreateInput,
  authenticatorPatchInput,
} from './inputs.ts';
import { parseInput } from './parse.ts';

const find = (snapshot: Snapshot, id: string): AuthenticatorConfig => {
  const found = snapshot.authenticators.find((a) => a.id === id);
  if (!found) throw notFound(`authenticator "${id}"`);
  return found;
};

export function createAuthenticator(snapshot: Snapshot, raw: AuthenticatorCreateInput): Snapshot {
  const authenticator = parseInput(authenticatorCreateInput, raw);
  if (snapshot.authenticators.some((a) => a.id === authenticator.id)) {
    throw new AdminError('duplicate', `an authenticator "${authenticator.id}" already exists`, {
      issues: [{ path: 'id', message: `an authenticator "${authenticator.id}" already exists` }],
    });
  }
  return { ...snapshot, authenticators: [...snapshot.authenticators, authenticator] };
}

export function updateAuthenticator(snapshot: Snapshot, id: string, raw: AuthenticatorPatch): Snapshot {
  const existing = find(snapshot, id);
  const patch = parseInput(authenticatorPatchInput, raw) as AuthenticatorPatch;
  const updated = parseInput(authenticatorSchema, { ...existing, ...patch });
  return { ...snapshot, authenticators: snapshot.authenticators.map((a) => (a.id === id ? updated : a)) };
}

/** Clients that still use the authenticator make the commit fail, which names them. */
export function deleteAuthenticator(snapshot: Snapshot, id: string): Snapshot {
  find(snapshot, id);
  return { ...snapshot, authenticators: snapshot.authenticators.filter((a) => a.id !== id) };
}
