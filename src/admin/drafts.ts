// Drafts: every admin edit lands in its owner's draft, built on the revision that was live when it started.
import { isDeepStrictEqual } from 'node:util';
import { type Snapshot, snapshotSchema } from '../config/schema.ts';
import type { ConfigIssue } from '../config/validate.ts';
import { ConflictError } from '../store/ports/errors.ts';
import type { Draft } from '../store/ports/index.ts';
import { draftProblems } from './check-draft.ts';
import type { AdminDeps } from './deps.ts';
import { diffSnapshots, type EntityChange } from './diff.ts';
import { AdminError } from './errors.ts';

export interface DraftView {
  /** False when the owner has no pending edits: `snapshot` is then the live revision. */
  exists: boolean;
  base: number | null;
  /** The revision that is live now. */
  current: number | null;
  /** The live revision moved on since the draft started: it must be rebased before it can be committed. */
  stale: boolean;
  snapshot: Snapshot;
  changes: EntityChange[];
  /** What would make a commit fail right now (references to missing authenticators or scopes, ...). */
  issues: ConfigIssue[];
  version: number | null;
}

const EMPTY = (): Snapshot => snapshotSchema.parse({});

/** The snapshot of a revision; an empty configuration before the first commit. */
export async function revisionSnapshot(
  deps: Pick<AdminDeps, 'config'>,
  id: number | null,
): Promise<Snapshot> {
  if (id === null) return EMPTY();
  const revision = await deps.config.get(id);
  if (!revision) throw new AdminError('not_found', `no revision ${id}`);
  return revision.snapshot;
}

export async function loadDraft(deps: AdminDeps, owner: string): Promise<DraftView> {
  const draft = await deps.admin.drafts.get(owner);
  const live = await deps.config.current();
  const current = live?.id ?? null;
  if (!draft) {
    return {
      exists: false,
      base: current,
      current,
      stale: false,
      snapshot: live?.snapshot ?? EMPTY(),
      changes: [],
      issues: [],
      version: null,
    };
  }
  const checked = draftProblems(draft.snapshot, deps.declared);
  return {
    exists: true,
    base: draft.base,
    current,
    stale: draft.base !== current,
    snapshot: draft.snapshot,
    changes: diffSnapshots(await revisionSnapshot(deps, draft.base), draft.snapshot),
    issues: checked.ok ? [] : checked.issues,
    version: draft.version,
  };
}

/** Saves `snapshot` as the owner's draft, or drops the draft when it no longer differs from its base. */
export async function storeDraft(
  deps: AdminDeps,
  owner: string,
  base: number | null,
  snapshot: Snapshot,
  expected: number | null,
): Promise<Draft | undefined> {
  if (isDeepStrictEqual(snapshot, await revisionSnapshot(deps, base))) {
    await deps.admin.drafts.delete(owner);
    return undefined;
  }
  return deps.admin.drafts.save({ owner, base, snapshot, updatedAt: deps.clock.nowSeconds() }, expected);
}

/**
 * Applies one edit to the owner's draft (starting one from the live revision when there is none).
 * Two tabs saving at once: the loser re-reads and re-applies its edit, so neither edit is lost.
 */
export async function editDraft<T extends { snapshot: Snapshot }>(
  deps: AdminDeps,
  owner: string,
  edit: (snapshot: Snapshot) => T,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const draft = await deps.admin.drafts.get(owner);
    const base = draft ? draft.base : await deps.config.currentId();
    const from = draft ? draft.snapshot : await revisionSnapshot(deps, base);
    const result = edit(structuredClone(from));
    try {
      await storeDraft(deps, owner, base, result.snapshot, draft?.version ?? null);
      return result;
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt >= 4) throw error;
    }
  }
}

export async function discardDraft(deps: AdminDeps, owner: string): Promise<void> {
  await deps.admin.drafts.delete(owner);
}
