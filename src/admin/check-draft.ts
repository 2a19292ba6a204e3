// What a commit checks: the draft as a configuration, and the draft with the config file's entries over it, as every node will run it.
import { mergeSnapshots } from '../config/merge.ts';
import type { Snapshot } from '../config/schema.ts';
import { type ConfigIssue, crossCheck, validateSnapshot } from '../config/validate.ts';
import { nameIssues } from './issues.ts';

/**
 * The draft's problems, each named by entry; none when it can be committed. The file's entries win
 * at runtime (config/merge.ts), so a committed entry they still need (an authenticator, a scope, an
 * API) must not go: nodes would refuse to run the revision after it was written.
 */
export function draftProblems(
  snapshot: unknown,
  declared: Snapshot,
): { ok: true; value: Snapshot } | { ok: false; issues: ConfigIssue[] } {
  const checked = validateSnapshot(snapshot);
  if (!checked.ok) return { ok: false, issues: nameIssues(snapshot as Snapshot, checked.issues) };
  const merged = mergeSnapshots(checked.value, declared);
  const issues = crossCheck(merged);
  if (issues.length === 0) return checked;
  return {
    ok: false,
    issues: nameIssues(merged, issues).map((i) => ({
      ...i,
      message: `${i.message} (needed by an entry the config file declares)`,
    })),
  };
}
