// Diff entries shaped for the templates, in words: lists as items in and out, values as the pages name them.
import type { EntityChange, FieldChange } from '../../admin/diff.ts';
import { foldAddedClient } from '../../admin/diff-fold.ts';
import { AdminError } from '../../admin/errors.ts';
import { fieldWords, KIND_WORDS, labelIssues, valueWords } from '../../admin/field-labels.ts';
import type { ConfigIssue } from '../../config/validate.ts';

/** One field in words: lists as items in and out, a list on one side only as its items, or "(none)". */
function fieldView(kind: EntityChange['kind'], { field, before, after }: FieldChange, type?: string) {
  const words = (value: unknown) => valueWords(field, value);
  const text = (value: unknown) => {
    if (value === undefined) return undefined;
    if (Array.isArray(value)) return value.length === 0 ? '(none)' : value.map(words).join(', ');
    return words(value);
  };
  const label = fieldWords(kind, field, type);
  if (Array.isArray(before) && Array.isArray(after)) {
    const was = before.map(words);
    const now = after.map(words);
    return {
      field: label,
      removed: was.filter((v) => !now.includes(v)),
      added: now.filter((v) => !was.includes(v)),
    };
  }
  return { field: label, before: text(before), after: text(after) };
}

/** A new client shows a one-line headline and the fields it sets; its defaults fold under one count. */
export function diffView(changes: readonly EntityChange[]) {
  return changes.map((change) => {
    const folded = foldAddedClient(change);
    return {
      ...change,
      kindWords: KIND_WORDS[change.kind],
      headline: folded?.headline ?? '',
      fields: (folded ? folded.fields : change.fields).map((f) => fieldView(change.kind, f, change.type)),
      defaults: (folded?.defaults ?? []).map((f) => fieldView(change.kind, f, change.type)),
    };
  });
}

/** The problems an admin refusal lists (each with its place in words), or its message when it names no field. */
export function issuesOf(error: unknown): ConfigIssue[] {
  if (!(error instanceof AdminError)) throw error;
  return labelIssues(error.issues.length > 0 ? error.issues : [{ path: '', message: error.message }]);
}
