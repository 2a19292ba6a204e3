// Posture use cases: the live configuration's warnings, one client's (live or in a draft), and applying a fix to a draft.
import { mergeSnapshots } from '../../config/merge.ts';
import type { ClientConfig } from '../../config/schema.ts';
import { revisionSnapshot } from '../drafts.ts';
import { AdminError, notFound } from '../errors.ts';
import type { Principal } from '../principal.ts';
import type { AdminService, ClientResult } from '../service.ts';
import { clientWarnings } from './rules.ts';
import { type SecretSetAt, secretTimes, storedSecret } from './secret-history.ts';
import type { PostureWarning, Severity } from './types.ts';

/** A secret older than this is flagged unless the caller sets another age. */
export const SECRET_MAX_AGE_DEFAULT = 365 * 86_400;

export interface ClientPosture {
  client_id: string;
  name: string;
  /** Declared in the config file: the file wins at runtime, so a fix belongs there, not in a draft. */
  declared: boolean;
  warnings: PostureWarning[];
}

export interface PostureReport {
  /** The committed revision the report is computed from; null before the first commit. */
  revision: number | null;
  counts: Record<Severity, number>;
  clients: ClientPosture[];
}

export type PostureService = ReturnType<typeof createPostureService>;

export function createPostureService(
  admin: AdminService,
  options: { issuer: string; secretMaxAge?: number | undefined },
) {
  const { deps } = admin;
  const isDeclared = (id: string) => deps.declared.clients.some((d) => d.client_id === id);
  const assess = (client: ClientConfig, times: Map<string, SecretSetAt>): ClientPosture => {
    const set = times.get(client.client_id);
    const stored = storedSecret(client);
    return {
      client_id: client.client_id,
      name: client.name ?? client.client_id,
      declared: isDeclared(client.client_id),
      warnings: clientWarnings(client, {
        issuer: options.issuer,
        now: deps.clock.nowSeconds(),
        secretSetAt: set !== undefined && stored === set.stored ? set : undefined,
        secretMaxAge: options.secretMaxAge ?? SECRET_MAX_AGE_DEFAULT,
      }),
    };
  };

  async function live(): Promise<PostureReport> {
    const revision = await deps.config.currentId();
    const snapshot = mergeSnapshots(await revisionSnapshot(deps, revision), deps.declared);
    const times = await secretTimes(deps.config);
    const clients = snapshot.clients.map((c) => assess(c, times));
    const counts: Record<Severity, number> = { high: 0, medium: 0, low: 0 };
    for (const w of clients.flatMap((c) => c.warnings)) counts[w.severity]++;
    return { revision, counts, clients };
  }

  async function inDraft(who: Principal, clientId: string) {
    const { snapshot } = await admin.draft(who);
    const client = snapshot.clients.find((c) => c.client_id === clientId);
    return client === undefined ? undefined : assess(client, await secretTimes(deps.config));
  }

  return {
    live,
    async liveClient(clientId: string): Promise<ClientPosture> {
      const found = (await live()).clients.find((c) => c.client_id === clientId);
      if (!found) throw notFound(`live client "${clientId}"`);
      return found;
    },
    /** The client as the admin's draft has it: a fix applied there shows as gone. */
    inDraft,
    /** Applies a warning's fix to the admin's draft through the client edit functions; nothing is committed. */
    async fix(
      who: Principal,
      clientId: string,
      warningId: string,
    ): Promise<{ warning: PostureWarning; result: ClientResult }> {
      const posture = await inDraft(who, clientId);
      if (!posture) throw notFound(`client "${clientId}" in your draft`);
      if (posture.declared) {
        throw new AdminError(
          'invalid_request',
          `client "${clientId}" is declared in the config file, which wins at runtime: change it there`,
        );
      }
      const warning = posture.warnings.find((w) => w.id === warningId);
      if (!warning) throw notFound(`warning "${warningId}" on client "${clientId}" in your draft`);
      if (!warning.fix) {
        throw new AdminError(
          'invalid_request',
          `"${warningId}" has no automatic fix: edit the client by hand`,
        );
      }
      const result =
        warning.fix.kind === 'reset_secret'
          ? await admin.resetSecret(who, clientId)
          : await admin.updateClient(who, clientId, warning.fix.patch);
      return { warning, result };
    },
  };
}
