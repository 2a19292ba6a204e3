// The flow explorer's throwaway test client: created and committed for one run in a draft of its own, removed when the run ends.
import { randomBytes } from 'node:crypto';
import { AdminError } from '../../admin/errors.ts';
import type { Principal } from '../../admin/principal.ts';
import type { AdminService } from '../../admin/service.ts';

export interface Throwaway {
  clientId: string;
  /** The generated secret's plaintext: kept only in the run, in memory. */
  secret: string;
  revision: number;
}

/**
 * A one-shot draft of its own, as `tessera config edit` uses: the admin's own draft and its edits are
 * never committed by the explorer. The revision names the admin as its author.
 */
const ownDraft = (admin: string, name: string): Principal => ({ via: 'cli', username: admin, draft: name });

const adminDraft = (admin: string): Principal => ({ via: 'ui', username: admin });

/** Commits; when another commit landed in between, rebases once (nobody else edits this draft) and tries again. */
async function commitOnce(service: AdminService, who: Principal, message: string): Promise<number> {
  try {
    return (await service.commit(who, message)).id;
  } catch (error) {
    if (!(error instanceof AdminError) || error.code !== 'conflict') throw error;
    await service.rebase(who);
    return (await service.commit(who, message)).id;
  }
}

/**
 * Our commit makes the admin's draft stale: when it was current before, it is moved onto the new
 * revision. The throwaway client is new to it, so the rebase cannot meet a conflict; when it does
 * anyway, the draft is left stale for the admin to rebase, as after anyone else's commit.
 */
async function keepCurrent(service: AdminService, admin: string, wasCurrent: boolean): Promise<void> {
  if (!wasCurrent) return;
  try {
    await service.rebase(adminDraft(admin));
  } catch (error) {
    if (!(error instanceof AdminError)) throw error;
  }
}

const draftWasCurrent = async (service: AdminService, admin: string) => {
  const draft = await service.draft(adminDraft(admin));
  return draft.exists && !draft.stale;
};

/** A confidential client (client_secret_basic, PKCE required) whose one redirect URI is the explorer's callback, live once this resolves. */
export async function createThrowaway(
  service: AdminService,
  admin: string,
  input: { redirectUri: string; scopes: string[]; apis: string[] },
): Promise<Throwaway> {
  const clientId = `explorer-${randomBytes(4).toString('hex')}`;
  const who = ownDraft(admin, clientId);
  const wasCurrent = await draftWasCurrent(service, admin);
  try {
    const { secret } = await service.createClient(who, {
      client_id: clientId,
      name: `Flow explorer test client of ${admin}`,
      redirect_uris: [input.redirectUri],
      token_endpoint_auth_method: 'client_secret_basic',
      scopes: input.scopes,
      apis: input.apis,
      require_pkce: true,
      refresh_token: { enabled: true, rotation: true },
    });
    if (secret === undefined) throw new Error('the throwaway client got no generated secret');
    const revision = await commitOnce(
      service,
      who,
      `flow explorer: throwaway client ${clientId} for ${admin}`,
    );
    await keepCurrent(service, admin, wasCurrent);
    return { clientId, secret, revision };
  } catch (error) {
    await service.discard(who);
    throw error;
  }
}

/** Deletes the client in a removal commit; undefined when it was already gone (deleted by hand). */
export async function removeThrowaway(
  service: AdminService,
  admin: string,
  clientId: string,
  why: string,
): Promise<number | undefined> {
  const who = ownDraft(admin, `${clientId}-removal`);
  const wasCurrent = await draftWasCurrent(service, admin);
  try {
    await service.deleteClient(who, clientId);
    const revision = await commitOnce(
      service,
      who,
      `flow explorer: remove throwaway client ${clientId} of ${admin} (${why})`,
    );
    await keepCurrent(service, admin, wasCurrent);
    return revision;
  } catch (error) {
    await service.discard(who);
    if (error instanceof AdminError && error.code === 'not_found') return undefined;
    throw error;
  }
}
