// The admin's side of dynamic client registration: registered clients (list, disable, delete) and initial access tokens.
import type { AuditRecorder } from '../authn/audit.ts';
import type { SecretHasher } from '../keys/secrets.ts';
import type { Clock } from '../shared/clock.ts';
import type { Random } from '../shared/random.ts';
import type {
  GrantStore,
  InitialAccessToken,
  RegisteredClient,
  RegistrationStore,
} from '../store/ports/index.ts';
import { AdminError, notFound } from './errors.ts';

export { AdminError } from './errors.ts';

export interface RegistrationAdminDeps {
  store: RegistrationStore;
  /** A deleted client's grants and tokens are revoked with it. */
  grants: Pick<GrantStore, 'revokeAllClientGrants'>;
  secrets: SecretHasher;
  clock: Clock;
  random: Random;
  audit: AuditRecorder;
  /** Drops a changed client from this node's resolver cache (other nodes follow within seconds). */
  forget(clientId: string): void;
}

/** A registered client as admins see it: never a hash. */
export interface RegisteredClientView {
  client_id: string;
  name: string;
  redirect_uris: string[];
  registered_by: string;
  address: string;
  created_at: number;
  last_used_at: number | null;
  disabled: boolean;
}

export interface InitialTokenView {
  id: string;
  label: string;
  created_at: number;
  expires_at: number | null;
  uses_left: number | null;
  revoked: boolean;
  /** Refused now: revoked, expired or used up. */
  usable: boolean;
}

export function registeredClientView(c: RegisteredClient): RegisteredClientView {
  const name = c.metadata['client_name'];
  const uris = c.metadata['redirect_uris'];
  return {
    client_id: c.clientId,
    name: typeof name === 'string' && name !== '' ? name : c.clientId,
    redirect_uris: Array.isArray(uris) ? uris.map(String) : [],
    registered_by: c.registeredBy,
    address: c.address,
    created_at: c.createdAt,
    last_used_at: c.lastUsedAt,
    disabled: c.disabled,
  };
}

export function initialTokenView(t: InitialAccessToken, now: number): InitialTokenView {
  return {
    id: t.id,
    label: t.label,
    created_at: t.createdAt,
    expires_at: t.expiresAt,
    uses_left: t.usesLeft,
    revoked: t.revoked,
    usable:
      !t.revoked && (t.expiresAt === null || t.expiresAt > now) && (t.usesLeft === null || t.usesLeft > 0),
  };
}

const LABEL = /^[\x20-\x7e]{1,80}$/;

export function registrationAdmin(deps: RegistrationAdminDeps) {
  const now = () => deps.clock.nowSeconds();
  return {
    async clients(limit = 200): Promise<RegisteredClientView[]> {
      return (await deps.store.list(limit)).map(registeredClientView);
    },
    async setDisabled(actor: string, clientId: string, disabled: boolean): Promise<void> {
      if (!(await deps.store.setDisabled(clientId, disabled)))
        throw notFound(`registered client ${clientId}`);
      deps.forget(clientId);
      await deps.audit.record({ type: 'client.updated', clientId, actor, detail: { disabled } });
    },
    /** Deletes the client and revokes what it was issued. */
    async delete(actor: string, clientId: string): Promise<void> {
      if (!(await deps.store.delete(clientId))) throw notFound(`registered client ${clientId}`);
      deps.forget(clientId);
      await deps.grants.revokeAllClientGrants(clientId, now());
      await deps.audit.record({ type: 'client.deleted', clientId, actor });
    },
    async tokens(): Promise<InitialTokenView[]> {
      const at = now();
      return (await deps.store.listInitialTokens()).map((t) => initialTokenView(t, at));
    },
    /** A new initial access token; its plaintext is returned here once and stored only as a keyed hash. */
    async createToken(input: {
      label: string;
      expiresIn?: number | undefined;
      uses?: number | undefined;
    }): Promise<{ token: string; view: InitialTokenView }> {
      if (!LABEL.test(input.label))
        throw new AdminError('invalid_request', 'the label must be 1 to 80 printable characters', {
          issues: [{ path: 'label', message: 'use 1 to 80 printable characters' }],
        });
      const positive = (v: number | undefined) => v === undefined || (Number.isInteger(v) && v > 0);
      if (!positive(input.expiresIn) || !positive(input.uses))
        throw new AdminError('invalid_request', 'expiry and uses must be positive whole numbers', {
          issues: [
            {
              path: input.uses === undefined ? 'expires_in' : 'uses',
              message: 'must be a positive whole number',
            },
          ],
        });
      const token = deps.random.token(32);
      const row: InitialAccessToken = {
        id: deps.random.uuid(),
        label: input.label,
        tokenHash: deps.secrets.hash(token),
        createdAt: now(),
        expiresAt: input.expiresIn === undefined ? null : now() + input.expiresIn,
        usesLeft: input.uses ?? null,
        revoked: false,
      };
      await deps.store.createInitialToken(row);
      return { token, view: initialTokenView(row, now()) };
    },
    async revokeToken(id: string): Promise<void> {
      if (!(await deps.store.revokeInitialToken(id))) throw notFound(`initial access token ${id}`);
    },
  };
}

export type RegistrationAdmin = ReturnType<typeof registrationAdmin>;
