// Client edits on a draft snapshot: create, change, reset the secret, delete; each returns the new snapshot.
import { type ClientConfig, clientSchema, type Snapshot } from '../config/schema.ts';
import type { SecretHasher } from '../keys/secrets.ts';
import { generateClientSecret } from '../keys/secrets.ts';
import type { Random } from '../shared/random.ts';
import { AdminError, notFound } from './errors.ts';
import { type ClientCreateInput, type ClientPatch, clientCreateInput, clientPatchInput } from './inputs.ts';
import { parseInput } from './parse.ts';

export interface SecretTools {
  secrets: SecretHasher;
  random: Random;
}

/** A client edit's outcome; `secret` is the plaintext of a new secret, to be shown once and never stored. */
export interface ClientEdit {
  snapshot: Snapshot;
  client: ClientConfig;
  secret?: string;
}

/** Parses a client, then keeps only the keyed hash of any plaintext secret. */
function seal(candidate: unknown, tools: SecretTools): ClientConfig {
  const { secret, ...client } = parseInput(clientSchema, candidate);
  return secret === undefined ? client : { ...client, secret_hash: tools.secrets.hash(secret) };
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

/**
 * A confidential client without a secret gets a generated one (the default, as in the seed), hashed
 * here: 256 random bits need no strength estimate, which is for secrets people type.
 */
function withSecret<
  T extends { token_endpoint_auth_method?: string | undefined; secret?: string | undefined },
>(input: T, hasHash: boolean, tools: SecretTools): { input: T; secret?: string } {
  if (input.token_endpoint_auth_method === 'none' || hasHash || input.secret !== undefined) return { input };
  // Only a generated secret is handed back: one the caller chose is never echoed.
  const secret = generateClientSecret(tools.random);
  return { input: { ...input, secret_hash: tools.secrets.hash(secret) }, secret };
}

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
  const hash = options.secretHash;
  const { input: complete, secret } = withSecret(input, hash !== undefined, tools);
  const client = seal(hash === undefined ? complete : { ...complete, secret_hash: hash }, tools);
  return {
    snapshot: { ...snapshot, clients: [...snapshot.clients, client] },
    client,
    ...(secret === undefined ? {} : { secret }),
  };
}

/** Changes the given fields; turning a public client confidential generates its secret. */
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
  // An emptied name means "no name": the client id is shown instead.
  if (merged['name'] === '') delete merged['name'];
  if (merged['token_endpoint_auth_method'] === 'none') delete merged['secret_hash'];
  const { input, secret } = withSecret(
    merged as { token_endpoint_auth_method?: string },
    merged['secret_hash'] !== undefined,
    tools,
  );
  const client = seal(input, tools);
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
  if (existing.token_endpoint_auth_method === 'none') {
    throw new AdminError('invalid_request', 'a public client has no secret', {
      issues: [
        { path: 'secret', message: 'a public client (token_endpoint_auth_method: none) has no secret' },
      ],
    });
  }
  const { secret_hash: _, ...rest } = existing;
  if (given !== undefined) {
    const client = seal({ ...rest, secret: given }, tools);
    return { snapshot: replace(snapshot, client), client, secret: given };
  }
  const secret = generateClientSecret(tools.random);
  const client = seal({ ...rest, secret_hash: tools.secrets.hash(secret) }, tools);
  return { snapshot: replace(snapshot, client), client, secret };
}

export function deleteClient(snapshot: Snapshot, clientId: string): Snapshot {
  find(snapshot, clientId);
  return { ...snapshot, clients: snapshot.clients.filter((c) => c.client_id !== clientId) };
}
