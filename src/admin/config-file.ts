// Config as code: the clients, APIs, scopes and authenticators of a YAML document, imported as one commit or exported.
import { type Snapshot, snapshotSchema } from '../config/schema.ts';
import { type ConfigIssue, validateSnapshot } from '../config/validate.ts';
import { ConflictError } from '../store/ports/errors.ts';
import type { Revision } from '../store/ports/index.ts';
import { draftProblems } from './check-draft.ts';
import type { AdminDeps } from './deps.ts';
import { AdminError } from './errors.ts';
import { nameIssues } from './issues.ts';
import { sealSecrets } from './seal-secrets.ts';

const KEYS = [
  'authenticators',
  'policies',
  'scopes',
  'apis',
  'clients',
  'trusted_issuers',
  'registration',
] as const;

/**
 * The snapshot a document describes. A full tessera.yaml works too: its `server` section is left
 * out, since server settings come from the file and environment of each node, not from revisions.
 */
export function snapshotFromDocument(
  doc: unknown,
  tools: Pick<AdminDeps, 'secrets' | 'sealSecret' | 'authnSecrets'>,
): Snapshot {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new AdminError('invalid_config', 'the document must be a mapping', {
      issues: [
        { path: '(root)', message: 'must be a mapping with authenticators, scopes, apis and clients' },
      ],
    });
  }
  const picked: Record<string, unknown> = {};
  for (const key of KEYS) if (key in doc) picked[key] = (doc as Record<string, unknown>)[key];
  const checked = validateSnapshot(picked);
  if (!checked.ok) {
    const parsed = snapshotSchema.safeParse(picked);
    const issues = parsed.success ? nameIssues(parsed.data, checked.issues) : checked.issues;
    throw new AdminError(
      'invalid_config',
      `the document is not a valid configuration: ${issues.length} problem(s)`,
      {
        issues,
      },
    );
  }
  const unopened = foreignSeals(checked.value, tools.authnSecrets);
  if (unopened.length > 0) {
    throw new AdminError(
      'invalid_config',
      `the document is not a valid configuration: ${unopened.length} problem(s)`,
      {
        issues: unopened,
      },
    );
  }
  return sealSecrets(checked.value, tools.secrets, tools.sealSecret, tools.authnSecrets.seal);
}

/**
 * A sealed upstream secret opens only under the master key of the deployment that sealed it (an export
 * from elsewhere): refused at import rather than failing at the first sign-in.
 */
function foreignSeals(snapshot: Snapshot, box: AdminDeps['authnSecrets']): ConfigIssue[] {
  return snapshot.authenticators.flatMap((a) => {
    if (a.type !== 'oidc' || a.client_secret_sealed === undefined || a.client_secret !== undefined) return [];
    try {
      box.open(a.client_secret_sealed);
      return [];
    } catch {
      return [
        {
          path: `authenticators[${a.id}].client_secret_sealed`,
          message:
            "this sealed secret does not open with this server's master key (it was exported elsewhere): give client_secret instead",
        },
      ];
    }
  });
}

/** What `config export` writes: the entries of a revision, secrets only as their keyed hashes or sealed. */
export function documentFromSnapshot(snapshot: Snapshot): Record<string, unknown> {
  return {
    authenticators: snapshot.authenticators,
    ...(snapshot.policies === undefined ? {} : { policies: snapshot.policies }),
    scopes: snapshot.scopes,
    apis: snapshot.apis,
    clients: snapshot.clients,
    ...(snapshot.trusted_issuers === undefined ? {} : { trusted_issuers: snapshot.trusted_issuers }),
    ...(snapshot.registration === undefined ? {} : { registration: snapshot.registration }),
  };
}

/** Commits a whole document as one revision on top of the live one: all of it or none of it. */
export async function importSnapshot(
  deps: AdminDeps,
  snapshot: Snapshot,
  input: { author: string; message: string },
): Promise<Revision> {
  const checked = draftProblems(snapshot, deps.declared);
  if (!checked.ok) {
    throw new AdminError('invalid_config', "the document does not work with the config file's entries", {
      issues: checked.issues,
    });
  }
  const current = await deps.config.currentId();
  try {
    const revision = await deps.config.commit({
      parent: current,
      author: input.author,
      message: input.message,
      createdAt: deps.clock.nowSeconds(),
      snapshot,
    });
    await deps.onCommit();
    await deps.audit.record({
      type: 'config.committed',
      actor: input.author,
      detail: { revision: revision.id, imported: true },
    });
    return revision;
  } catch (error) {
    if (error instanceof ConflictError) {
      throw new AdminError('conflict', `revision ${error.current} was committed meanwhile; import again`, {
        current: error.current,
      });
    }
    throw error;
  }
}
