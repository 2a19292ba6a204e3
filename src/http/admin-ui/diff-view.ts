// Diff entries shaped for the templates, in words: lists as items in and out, values as the pages name them.
import type { EntityChange } from '../../admin/diff.ts';
import { AdminError } from '../../admin/errors.ts';
import { fieldWords, KIND_WORDS, labelIssues, valueWords } from '../../admin/field-labels.ts';
import type { ConfigIssue } from '../../config/validate.ts';

export function diffView(changes: readonly EntityChange[]) {
  return changes.map((change) => ({
    ...change,
    kindWords: KIND_WORDS[change.kind],
    fields: change.fields.map(({ field, before, after }) => {
      const words = (value: unknown) => valueWords(field, value);
      const text = (value: unknown) => {
        if (value === undefined) return undefined;
        if (Array.isArray(value)) return value.length === 0 ? '(none)' : value.map(words).join(', ');
        return words(value);
      };
      const label = fieldWords(change.kind, field);
      // Lists on both sides: what went in and out. A list on one side only: its items, or "(none)".
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
    }),
  }));
}

/** The problems an admin refusal lists (each with its place in words), or its message when it names no field. */
export function issuesOf(error: unknown): ConfigIssue[] {
  if (!(error instanceof AdminError)) throw error;
  return labelIssues(error.issues.length > 0 ? error.issues : [{ path: '', message: error.message }]);
}
