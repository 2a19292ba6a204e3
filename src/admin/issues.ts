// Names entries in issue paths: `clients[www].scopes[0]` reads better than `clients[3].scopes[0]`.
import type { Snapshot } from '../config/schema.ts';
import type { ConfigIssue } from '../config/validate.ts';
import { ENTITY_LISTS } from './diff.ts';

export function nameIssues(snapshot: Snapshot, issues: readonly ConfigIssue[]): ConfigIssue[] {
  return issues.map((issue) => {
    const match = /^(authenticators|policies|scopes|apis|trusted_issuers|clients)\[(\d+)\]/.exec(issue.path);
    if (!match) return issue;
    const spec = ENTITY_LISTS.find((e) => e.list === match[1])!;
    const entry = ((snapshot[spec.list] ?? []) as Record<string, unknown>[])[Number(match[2])];
    const id = entry?.[spec.key];
    return typeof id === 'string'
      ? { ...issue, path: `${match[1]}[${id}]${issue.path.slice(match[0].length)}` }
      : issue;
  });
}
