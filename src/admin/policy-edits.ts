// Authentication policy edits on a draft snapshot; the commit's validation checks steps and acr values.
import { type PolicyConfig, policySchema, type Snapshot } from '../config/schema.ts';
import { AdminError, notFound } from './errors.ts';
import { parseInput } from './parse.ts';

const list = (snapshot: Snapshot): PolicyConfig[] => snapshot.policies ?? [];

const find = (snapshot: Snapshot, id: string): PolicyConfig => {
  const found = list(snapshot).find((p) => p.id === id);
  if (!found) throw notFound(`policy "${id}"`);
  return found;
};

export function createPolicy(snapshot: Snapshot, raw: unknown): Snapshot {
  const policy = parseInput(policySchema, raw);
  if (list(snapshot).some((p) => p.id === policy.id)) {
    throw new AdminError('duplicate', `a policy "${policy.id}" already exists`, {
      issues: [{ path: 'id', message: `a policy "${policy.id}" already exists` }],
    });
  }
  return { ...snapshot, policies: [...list(snapshot), policy] };
}

/** Replaces the fields given (the id stays); `acr: null` goes back to the default acr. */
export function updatePolicy(snapshot: Snapshot, id: string, raw: Record<string, unknown>): Snapshot {
  const existing = find(snapshot, id);
  const { id: _ignored, ...patch } = raw;
  const merged: Record<string, unknown> = { ...existing, ...patch, id };
  for (const [key, value] of Object.entries(merged)) if (value === null) delete merged[key];
  const policy = parseInput(policySchema, merged);
  return { ...snapshot, policies: list(snapshot).map((p) => (p.id === id ? policy : p)) };
}

/** Clients that still name the policy make the commit fail, which lists them. */
export function deletePolicy(snapshot: Snapshot, id: string): Snapshot {
  find(snapshot, id);
  return { ...snapshot, policies: list(snapshot).filter((p) => p.id !== id) };
}
