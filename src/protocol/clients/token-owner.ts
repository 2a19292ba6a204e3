// The client a token was issued to, where a source's refusal (a metadata document that no longer passes) means "gone".
import type { ClientResolver } from '../../config/clients.ts';
import type { Client } from '../../config/live.ts';
import { OAuthError } from '../errors.ts';

/**
 * At introspection and UserInfo the caller is a resource server, not the client: a client whose metadata
 * document can no longer be used takes its tokens with it (inactive), rather than failing the request.
 * Anything else (a store outage) still propagates.
 */
export async function tokenOwner(clients: ClientResolver, clientId: string): Promise<Client | undefined> {
  try {
    return await clients.find(clientId);
  } catch (error) {
    if (error instanceof OAuthError) return undefined;
    throw error;
  }
}
