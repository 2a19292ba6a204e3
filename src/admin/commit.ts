// Commit and rebase of a draft: a commit is all or nothing and only lands on the revision the draft was built on.
import { ConflictError } from '../store/ports/errors.ts';
import type { Revision } from '../store/ports/index.ts';
import { draftProblems } from './check-draft.ts';
import type { AdminDeps } from './deps.ts';
import { type DraftView, loadDraft, revisionSnapshot, storeDraft } from './drafts.ts';
import { AdminError } from './errors.ts';
import { rebaseSnapshot } from './rebase.ts';
import { sealSecrets } from './seal-secrets.ts';

const stale = (base: number | null, current: number | null) =>
  new AdminError(
    'conflict',
    `revision ${current} was committed after your draft was started from revision ${base}: rebase your draft on it, review, and commit again`,
    { current },
  );

export async function commitDraft(
  deps: AdminDeps,
  owner: string,
  input: { author: string; message: string; address?: string | undefined },
): Promise<Revision> {
  const draft = await deps.admin.drafts.get(owner);
  if (!draft) throw new AdminError('no_changes', 'there is nothing to commit: the draft is empty');
  const current = await deps.config.currentId();
  if (draft.base !== current) throw stale(draft.base, current);
  const checked = draftProblems(draft.snapshot, deps.declared);
  if (!checked.ok) {
    const { issues } = checked;
    throw new AdminError('invalid_config', `the draft cannot be committed: ${issues.length} problem(s)`, {
      issues,
    });
  }
  let revision: Revision;
  try {
    revision = await deps.config.commit({
      parent: draft.base,
      author: input.author,
      message: input.message,
      createdAt: deps.clock.nowSeconds(),
      snapshot: sealSecrets(checked.value, deps.secrets, deps.sealSecret, deps.authnSecrets.seal),
    });
  } catch (error) {
    // Another admin committed between our check and our write: the store refused, nothing was written.
    if (error instanceof ConflictError) throw stale(draft.base, error.current);
    throw error;
  }
  // An edit made in another tab while committing stays as a (now stale) draft instead of vanishing.
  const after = await deps.admin.drafts.get(owner);
  if (after?.version === draft.version) await deps.admin.drafts.delete(owner);
  await deps.onCommit();
  await deps.audit.record({
    type: 'config.committed',
    actor: input.author,
    address: input.address,
    detail: { revision: revision.id },
  });
  return revision;
}

/** Moves the draft onto the live revision, keeping both sides' edits; entries both changed are refused. */
export async function rebaseDraft(deps: AdminDeps, owner: string): Promise<DraftView> {
  const draft = await deps.admin.drafts.get(owner);
  if (!draft) throw new AdminError('no_changes', 'there is no draft to rebase');
  const live = await deps.config.current();
  const current = live?.id ?? null;
  if (draft.base === current) return loadDraft(deps, owner);
  const base = await revisionSnapshot(deps, draft.base);
  const theirs = await revisionSnapshot(deps, current);
  const { snapshot, conflicts } = rebaseSnapshot(base, draft.snapshot, theirs);
  if (conflicts.length > 0) {
    const issues = conflicts.map((c) => ({
      path: `${c.kind}s[${c.id}]`,
      message: `changed both in your draft and in revision ${current}; discard your draft and redo this edit`,
    }));
    throw new AdminError(
      'merge_conflict',
      `your draft and revision ${current} both changed ${conflicts.map((c) => `${c.kind} ${c.id}`).join(', ')}`,
      { issues, current },
    );
  }
  try {
    await storeDraft(deps, owner, current, snapshot, draft.version);
  } catch (error) {
    if (error instanceof ConflictError) {
      throw new AdminError('conflict', 'the draft changed while rebasing it; try again', { current });
    }
    throw error;
  }
  return loadDraft(deps, owner);
}
