// Three-way merge of a draft onto a newer revision, entry by entry: what only one side changed is kept.
import { isDeepStrictEqual } from 'node:util';
import type { Snapshot } from '../config/schema.ts';
import { ENTITY_LISTS, type EntityKind } from './diff.ts';

type Entry = Record<string, unknown>;

export interface MergeConflict {
  kind: EntityKind;
  id: string;
}

export interface Rebased {
  snapshot: Snapshot;
  /** Entries both the draft and the newer revision changed, differently. */
  conflicts: MergeConflict[];
}

/**
 * `base` is the revision the draft started from, `mine` the draft, `theirs` the revision that is live
 * now. An entry changed on one side only takes that side; changed on both sides to the same value is
 * fine; changed differently is a conflict (the live one is kept, the admin redoes their edit).
 */
export function rebaseSnapshot(base: Snapshot, mine: Snapshot, theirs: Snapshot): Rebased {
  const conflicts: MergeConflict[] = [];
  const out: Record<string, Entry[]> = {};
  for (const { kind, list, key } of ENTITY_LISTS) {
    const index = (s: Snapshot) => new Map(((s[list] ?? []) as Entry[]).map((e) => [String(e[key]), e]));
    const b = index(base);
    const m = index(mine);
    const t = index(theirs);
    const ids = [...t.keys(), ...[...m.keys()].filter((id) => !t.has(id))];
    const merged: Entry[] = [];
    for (const id of ids) {
      const [was, mineNow, theirsNow] = [b.get(id), m.get(id), t.get(id)];
      let pick: Entry | undefined;
      if (isDeepStrictEqual(mineNow, was)) pick = theirsNow;
      else if (isDeepStrictEqual(theirsNow, was) || isDeepStrictEqual(mineNow, theirsNow)) pick = mineNow;
      else {
        conflicts.push({ kind, id });
        pick = theirsNow;
      }
      if (pick) merged.push(pick);
    }
    out[list] = merged;
  }
  // The registration policy is one setting: the same three-way rule, as one entry.
  const [was, mineNow, theirsNow] = [base.registration, mine.registration, theirs.registration];
  let registration = theirsNow;
  if (!isDeepStrictEqual(mineNow, was)) {
    if (isDeepStrictEqual(theirsNow, was) || isDeepStrictEqual(mineNow, theirsNow)) registration = mineNow;
    else conflicts.push({ kind: 'registration', id: 'dynamic registration' });
  }
  const snapshot = out as unknown as Snapshot;
  return { snapshot: registration === undefined ? snapshot : { ...snapshot, registration }, conflicts };
}
