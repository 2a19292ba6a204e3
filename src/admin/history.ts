// History: revisions with author, time and message, each revision's diff to its parent, and rollback as a new commit.
import { ConflictError } from '../store/ports/errors.ts';
import type { Revision } from '../store/ports/index.ts';
import { draftProblems } from './check-draft.ts';
import type { AdminDeps } from './deps.ts';
import { diffSnapshots, type EntityChange } from './diff.ts';
import { revisionSnapshot } from './drafts.ts';
import { AdminError } from './errors.ts';
import type { Impact } from './impact.ts';
import { measureImpact } from './impact-count.ts';

export interface RevisionDetail {
  revision: Revision;
  /** What this revision changed, compared with its parent. */
  changes: EntityChange[];
  live: boolean;
}

export async function listHistory(deps: Pick<AdminDeps, 'config'>, limit = 100) {
  return deps.config.list(limit);
}

export async function showRevision(deps: Pick<AdminDeps, 'config'>, id: number): Promise<RevisionDetail> {
  const revision = await deps.config.get(id);
  if (!revision) throw new AdminError('not_found', `no revision ${id}`);
  const parent = await revisionSnapshot(deps, revision.parent);
  return {
    revision,
    changes: diffSnapshots(parent, revision.snapshot),
    live: (await deps.config.currentId()) === id,
  };
}

/** What rolling back to revision `id` would do, before it is done: the live revision's diff to it, and its impact. */
export interface RollbackPreview {
  /** The revision that is live now, which the rollback replaces. */
  from: number | null;
  changes: EntityChange[];
  impact: Impact;
}

export async function previewRollback(
  deps: Pick<AdminDeps, 'config' | 'impact' | 'clock'>,
  id: number,
): Promise<RollbackPreview> {
  const target = await deps.config.get(id);
  if (!target) throw new AdminError('not_found', `no revision ${id}`);
  const from = await deps.config.currentId();
  const live = await revisionSnapshot(deps, from);
  return {
    from,
    changes: diffSnapshots(live, target.snapshot),
    impact: await measureImpact(deps.impact, deps.clock.nowSeconds(), live, target.snapshot),
  };
}

/** Commits the snapshot of an older revision on top of the live one: history is never rewritten. */
export async function rollback(
  deps: AdminDeps,
  id: number,
  input: { author: string; message?: string | undefined; address?: string | undefined },
): Promise<Revision> {
  const target = await deps.config.get(id);
  if (!target) throw new AdminError('not_found', `no revision ${id}`);
  const current = await deps.config.currentId();
  if (current === id) throw new AdminError('no_changes', `revision ${id} is already live`);
  // The schema may have grown rules since that revision; an old snapshot must pass today's.
  const checked = draftProblems(target.snapshot, deps.declared);
  if (!checked.ok) {
    throw new AdminError('invalid_config', `revision ${id} is not valid under the current rules`, {
      issues: checked.issues,
    });
  }
  try {
    const revision = await deps.config.commit({
      parent: current,
      author: input.author,
      message: input.message ?? `roll back to revision ${id}`,
      createdAt: deps.clock.nowSeconds(),
      snapshot: checked.value,
    });
    await deps.onCommit();
    await deps.audit.record({
      type: 'config.rolled_back',
      actor: input.author,
      address: input.address,
      detail: { revision: revision.id, restored: id },
    });
    return revision;
  } catch (error) {
    if (error instanceof ConflictError) {
      throw new AdminError(
        'conflict',
        `revision ${error.current} was committed meanwhile; review it and roll back again if you still want to`,
        { current: error.current },
      );
    }
    throw error;
  }
}
