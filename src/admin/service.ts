// The admin use cases in one place: what the web UI, the REST API and the CLI call, acting for a principal.
import type { Snapshot } from '../config/schema.ts';
import type { Revision } from '../store/ports/index.ts';
import { createApi, deleteApi, updateApi } from './api-edits.ts';
import { type AuditQuery, listAuditEvents } from './audit-log.ts';
import { createAuthenticator, deleteAuthenticator, updateAuthenticator } from './authenticator-edits.ts';
import { createClient, deleteClient, resetClientSecret, updateClient } from './client-edits.ts';
import { commitDraft, rebaseDraft } from './commit.ts';
import type { AdminDeps } from './deps.ts';
import { type DraftView, discardDraft, editDraft, loadDraft, revisionSnapshot } from './drafts.ts';
import {
  listHistory,
  previewRollback,
  type RevisionDetail,
  type RollbackPreview,
  rollback,
  showRevision,
} from './history.ts';
import type { Impact } from './impact.ts';
import { measureImpact } from './impact-count.ts';
import type {
  ApiCreateInput,
  ApiPatch,
  AuthenticatorCreateInput,
  AuthenticatorPatch,
  ClientCreateInput,
  ClientPatch,
  ScopeCreateInput,
  ScopePatch,
} from './inputs.ts';
import { createPolicy, deletePolicy, updatePolicy } from './policy-edits.ts';
import { authorName, draftOwner, type Principal } from './principal.ts';
import { checkProvider, type ProviderCheck } from './provider-check.ts';
import { clearRegistrationPolicy, updateRegistrationPolicy } from './registration-policy-edits.ts';
import { createScope, deleteScope, updateScope } from './scope-edits.ts';
import { createTrustedIssuer, deleteTrustedIssuer, updateTrustedIssuer } from './trusted-issuer-edits.ts';
import { type ClientView, clientView } from './views.ts';

/** A client edit's result: the client as admins see it, and a new secret's plaintext, once. */
export interface ClientResult {
  client: ClientView;
  secret?: string;
}

export type AdminService = ReturnType<typeof createAdminService>;

export function createAdminService(deps: AdminDeps) {
  const owner = draftOwner;
  const edit = (who: Principal, change: (s: Snapshot) => Snapshot) =>
    editDraft(deps, owner(who), (s) => ({ snapshot: change(s) })).then(() => undefined);
  const clientEdit = async (
    who: Principal,
    change: (s: Snapshot) => {
      snapshot: Snapshot;
      client: Parameters<typeof clientView>[0];
      secret?: string;
    },
  ): Promise<ClientResult> => {
    const { client, secret } = await editDraft(deps, owner(who), change);
    return { client: clientView(client), ...(secret === undefined ? {} : { secret }) };
  };

  return {
    deps,
    draft: (who: Principal): Promise<DraftView> => loadDraft(deps, owner(who)),
    /** What committing the draft would do to live data, against the revision the draft's diff is shown against. */
    draftImpact: async (draft: DraftView): Promise<Impact> =>
      measureImpact(
        deps.impact,
        deps.clock.nowSeconds(),
        await revisionSnapshot(deps, draft.base),
        draft.snapshot,
      ),

    createClient: (who: Principal, input: ClientCreateInput, options: { secretHash?: string } = {}) =>
      clientEdit(who, (s) => createClient(s, input, deps, options)),
    updateClient: (who: Principal, clientId: string, patch: ClientPatch) =>
      clientEdit(who, (s) => updateClient(s, clientId, patch, deps)),
    resetSecret: (who: Principal, clientId: string, secret?: string) =>
      clientEdit(who, (s) => resetClientSecret(s, clientId, secret, deps)),
    deleteClient: (who: Principal, clientId: string) => edit(who, (s) => deleteClient(s, clientId)),

    createScope: (who: Principal, input: ScopeCreateInput) => edit(who, (s) => createScope(s, input)),
    updateScope: (who: Principal, name: string, patch: ScopePatch) =>
      edit(who, (s) => updateScope(s, name, patch)),
    deleteScope: (who: Principal, name: string) => edit(who, (s) => deleteScope(s, name)),

    // Authentication policies (docs/authentication.md).
    createPolicy: (who: Principal, input: unknown) => edit(who, (s) => createPolicy(s, input)),
    updatePolicy: (who: Principal, id: string, patch: Record<string, unknown>) =>
      edit(who, (s) => updatePolicy(s, id, patch)),
    deletePolicy: (who: Principal, id: string) => edit(who, (s) => deletePolicy(s, id)),

    createApi: (who: Principal, input: ApiCreateInput) => edit(who, (s) => createApi(s, input)),
    updateApi: (who: Principal, identifier: string, patch: ApiPatch) =>
      edit(who, (s) => updateApi(s, identifier, patch)),
    /** Resolves to the clients that still name the API: the commit is refused until none does. */
    deleteApi: async (who: Principal, identifier: string): Promise<string[]> =>
      (await editDraft(deps, owner(who), (s) => deleteApi(s, identifier))).stillNamedBy,

    // RFC 8693: issuers whose JWTs clients may exchange.
    createTrustedIssuer: (who: Principal, input: unknown) => edit(who, (s) => createTrustedIssuer(s, input)),
    updateTrustedIssuer: (who: Principal, issuer: string, input: unknown) =>
      edit(who, (s) => updateTrustedIssuer(s, issuer, input)),
    /** Resolves to the clients that still trust the issuer: the commit is refused until none does. */
    deleteTrustedIssuer: async (who: Principal, issuer: string): Promise<string[]> =>
      (await editDraft(deps, owner(who), (s) => deleteTrustedIssuer(s, issuer))).stillNamedBy,

    // Dynamic client registration (RFC 7591): committed like the rest, live on every node at commit.
    updateRegistrationPolicy: (who: Principal, input: unknown) =>
      edit(who, (s) => updateRegistrationPolicy(s, input)),
    clearRegistrationPolicy: (who: Principal) => edit(who, (s) => clearRegistrationPolicy(s)),

    createAuthenticator: (who: Principal, input: AuthenticatorCreateInput) =>
      edit(who, (s) => createAuthenticator(s, input, deps)),
    updateAuthenticator: (who: Principal, id: string, patch: AuthenticatorPatch) =>
      edit(who, (s) => updateAuthenticator(s, id, patch, deps)),
    /** Reads another provider's discovery document through the SSRF guard and says what it found. */
    checkProvider: (issuer: string, method?: string): Promise<ProviderCheck> =>
      checkProvider(issuer, deps.outbound, method),
    deleteAuthenticator: (who: Principal, id: string) => edit(who, (s) => deleteAuthenticator(s, id)),

    commit: (who: Principal, message: string): Promise<Revision> =>
      commitDraft(deps, owner(who), { author: authorName(who), message, address: who.address }),
    discard: (who: Principal) => discardDraft(deps, owner(who)),
    rebase: (who: Principal): Promise<DraftView> => rebaseDraft(deps, owner(who)),

    history: (limit?: number) => listHistory(deps, limit),
    revision: (id: number): Promise<RevisionDetail> => showRevision(deps, id),
    rollbackPreview: (id: number): Promise<RollbackPreview> => previewRollback(deps, id),
    rollback: (who: Principal, id: number, message?: string) =>
      rollback(deps, id, { author: authorName(who), message, address: who.address }),

    auditEvents: (query: AuditQuery) => listAuditEvents(deps, query),
  };
}
