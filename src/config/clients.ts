// The client lookup every layer is given: committed, registered (RFC 7591) or from another source, one Client type.
import type { Client } from './live.ts';

export interface ClientResolver {
  /** The client this client_id names, or undefined: unknown, disabled or no longer valid. */
  find(clientId: string): Promise<Client | undefined>;
  /** Drops a registered client from this node's cache at once (after an update, disable or delete). */
  forget(clientId: string): void;
}

/**
 * A further source of clients, asked only for the client_ids it claims: the hook for client ID metadata
 * documents (a client_id that is an https URL), tried after committed clients and before the store.
 */
export interface ClientSource {
  claims(clientId: string): boolean;
  find(clientId: string): Promise<Client | undefined>;
}
