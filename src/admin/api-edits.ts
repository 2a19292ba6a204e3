// API (resource server) edits on a draft snapshot: create, change, delete; an identifier never changes.
import { type ApiConfig, apiSchema, type Snapshot } from '../config/schema.ts';
import { AdminError, notFound } from './errors.ts';
import { type ApiCreateInput, type ApiPatch, apiCreateInput, apiPatchInput } from './inputs.ts';
import { parseInput } from './parse.ts';

const find = (snapshot: Snapshot, identifier: string): ApiConfig => {
  const found = snapshot.apis.find((a) => a.identifier === identifier);
  if (!found) throw notFound(`API "${identifier}"`);
  return found;
};

/** The clients allowed to ask for tokens for this API. */
export const clientsNaming = (snapshot: Snapshot, identifier: string): string[] =>
  snapshot.clients.filter((c) => c.apis.includes(identifier)).map((c) => c.client_id);

export function createApi(snapshot: Snapshot, raw: ApiCreateInput): Snapshot {
  const api = parseInput(apiCreateInput, raw);
  if (snapshot.apis.some((a) => a.identifier === api.identifier)) {
    throw new AdminError('duplicate', `an API "${api.identifier}" already exists`, {
      issues: [{ path: 'identifier', message: `an API "${api.identifier}" already exists` }],
    });
  }
  return { ...snapshot, apis: [...snapshot.apis, api] };
}

export function updateApi(snapshot: Snapshot, identifier: string, raw: ApiPatch): Snapshot {
  const existing = find(snapshot, identifier);
  const patch = parseInput(apiPatchInput, raw) as ApiPatch;
  const merged: Record<string, unknown> = { ...existing, ...patch };
  for (const [key, value] of Object.entries(merged)) if (value === null) delete merged[key];
  // An emptied name means "no name": the identifier is shown instead.
  if (merged['name'] === '') delete merged['name'];
  const api = parseInput(apiSchema, merged);
  return { ...snapshot, apis: snapshot.apis.map((a) => (a.identifier === identifier ? api : a)) };
}

/**
 * Removed from the draft even while clients still name it, as with scopes: the commit is refused,
 * naming each of them, until they no longer do. `stillNamedBy` lets the page say so at once.
 */
export function deleteApi(
  snapshot: Snapshot,
  identifier: string,
): { snapshot: Snapshot; stillNamedBy: string[] } {
  find(snapshot, identifier);
  return {
    snapshot: { ...snapshot, apis: snapshot.apis.filter((a) => a.identifier !== identifier) },
    stillNamedBy: clientsNaming(snapshot, identifier),
  };
}
