// Client edits as pure functions over a snapshot: what the CLI (and later the admin UI and API) apply.
import type { ClientInput, SnapshotInput } from '../config/schema.ts';
import type { ConfigIssue } from '../config/validate.ts';

const notFound = (clientId: string): ConfigIssue[] => [
  { path: 'client_id', message: `no client "${clientId}"` },
];

export function addClient(snapshot: SnapshotInput, client: ClientInput): SnapshotInput | ConfigIssue[] {
  if ((snapshot.clients ?? []).some((c) => c.client_id === client.client_id)) {
    return [{ path: 'client_id', message: `a client "${client.client_id}" already exists` }];
  }
  return { ...snapshot, clients: [...(snapshot.clients ?? []), client] };
}

/** Replaces the stored hash with a new plaintext secret, which the commit hashes. */
export function resetSecret(
  snapshot: SnapshotInput,
  clientId: string,
  secret: string,
): SnapshotInput | ConfigIssue[] {
  const clients = snapshot.clients ?? [];
  if (!clients.some((c) => c.client_id === clientId)) return notFound(clientId);
  return {
    ...snapshot,
    clients: clients.map((c) => {
      if (c.client_id !== clientId) return c;
      const { secret_hash: _, ...rest } = c;
      return { ...rest, secret };
    }),
  };
}

export function removeClient(snapshot: SnapshotInput, clientId: string): SnapshotInput | ConfigIssue[] {
  const clients = snapshot.clients ?? [];
  if (!clients.some((c) => c.client_id === clientId)) return notFound(clientId);
  return { ...snapshot, clients: clients.filter((c) => c.client_id !== clientId) };
}
