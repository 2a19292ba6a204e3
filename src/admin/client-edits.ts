// Client edits on a draft snapshot: create, change, reset the secret, delete; each returns the new snapshot.
import { type ClientConfig, clientSchema, type Snapshot } from '../config/schema.ts';
import { checkPublicKeys, fitSecret, keepSecret, type SecretTools, secretKind } from './client-auth.ts';
import { AdminError, notFound } from './errors.ts';
import { type ClientCreateInput, type ClientPatch, clientCreateInput, clientPatchInput } from './inputs.ts';
import { parseInput } from './parse.ts';

export type { SecretTools } from './client-auth.ts';

/** A client edit's outcome; `secret` is the plaintext of a new secret, to be shown once and never stored. */
export interface ClientEdit {
  snapshot: Snapshot;
  client: ClientConfig;
  secret?: string;
}

/** Parses a client, refuses private keys among its keys, and keeps a plaintext secret only as its method stores it. */
function seal(candidate: unknown, tools: SecretTools): ClientConfig {
  const client = parseInput(clientSchema, candidate);
  checkPublicKeys(client);
  return keepSecret(client, tools);
}

const find = (snapshot: Snapshot, clientId: string): ClientConfig => {
  const found = snapshot.clients.find((c) => c.client_id === clientId);
  if (!found) throw notFound(`client "${clientId}"`);
  return found;
};

const replace = (snapshot: Snapshot, client: ClientConfig): Snapshot => ({
  ...snapshot,
  clients: snapshot.clients.map((c) => (c.client_id === client.client_id ? client : c)),
});

/** `secretHash`: the keyed hash of a secret the admin typed into the wizard, which never keeps the plaintext. */
export function createClient(
  snapshot: Snapshot,
  raw: ClientCreateInput,
  tools: SecretTools,
  options: { secretHash?: string | undefined } = {},
): ClientEdit {
  const input = parseInput(clientCreateInput, raw);
  if (snapshot.clients.some((c) => c.client_id === input.client_id)) {
    throw new AdminError('duplicate', `a client "${input.client_id}" already exists`, {
      issues: [{ path: 'client_id', message: `a client "${input.client_id}" already exists` }],
    });
  }
  const candidate: Record<string, unknown> = { ...input };
  if (options.secretHash !== undefined) candidate['secret_hash'] = options.secretHash;
  const secret = fitSecret(candidate, tools);
  const client = seal(candidate, tools);
  return {
    snapshot: { ...snapshot, clients: [...snapshot.clients, client] },
    client,
    ...(secret === undefined ? {} : { secret }),
  };
}

/**
 * Changes the given fields; `null` unsets one (back to its default). A new method keeps what it can:
 * turning a public client confidential, or a secret's hash into the HMAC key client_secret_jwt needs,
 * generates a new secret; leaving private_key_jwt drops the keys and the assertion algorithm.
 */
export function updateClient(
  snapshot: Snapshot,
  clientId: string,
  raw: ClientPatch,
  tools: SecretTools,
): ClientEdit {
  const existing = find(snapshot, clientId);
  const patch = parseInput(clientPatchInput, raw) as ClientPatch;
  const merged: Record<string, unknown> = {
    ...existing,
    ...patch,
    refresh_token: { ...existing.refresh_token, ...patch.refresh_token },
  };
  for (const [key, value] of Object.entries(merged)) if (value === null) delete merged[key];
  // An emptied name means "no name": the client id is shown instead.
  if (merged['name'] === '') delete merged['name'];
  const method = merged['token_endpoint_auth_method'];
  if (method !== existing.token_endpoint_auth_method) {
    if (method !== 'private_key_jwt') {
      delete merged['jwks'];
      delete merged['jwks_uri'];
    }
    if (patch.token_endpoint_auth_signing_alg === undefined) delete merged['token_endpoint_auth_signing_alg'];
  }
  const secret = fitSecret(merged, tools);
  const client = seal(merged, tools);
  return { snapshot: replace(snapshot, client), client, ...(secret === undefined ? {} : { secret }) };
}

/** Replaces the secret with the given one or a generated one; the old one stops working at commit. */
export function resetClientSecret(
  snapshot: Snapshot,
  clientId: string,
  given: string | undefined,
  tools: SecretTools,
): ClientEdit & { secret: string } {
  const existing = find(snapshot, clientId);
  if (secretKind(existing.token_endpoint_auth_method) === 'none') {
    const message =
      existing.token_endpoint_auth_method === 'none'
        ? 'a public client has no secret'
        : 'a client that signs with its private key has no secret';
    throw new AdminError('invalid_request', message, { issues: [{ path: 'secret', message }] });
  }
  const { secret_hash: _, secret_sealed: __, ...rest } = existing;
  if (given !== undefined) {
    const client = seal({ ...rest, secret: given }, tools);
    return { snapshot: replace(snapshot, client), client, secret: given };
  }
  const candidate: Record<string, unknown> = { ...rest };
  const secret = fitSecret(candidate, tools)!;
  const client = seal(candidate, tools);
  return { snapshot: replace(snapshot, client), client, secret };
}

export function deleteClient(snapshot: Snapshot, clientId: string): Snapshot {
  find(snapshot, clientId);
  return { ...snapshot, clients: snapshot.clients.filter((c) => c.client_id !== clientId) };
}
