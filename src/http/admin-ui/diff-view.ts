// Diff entries shaped for the templates: lists as items in and out, values as short JSON.
import type { EntityChange } from '../../admin/diff.ts';
import { AdminError } from '../../admin/errors.ts';
import type { ConfigIssue } from '../../config/validate.ts';

const show = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

const text = (value: unknown) => {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.length === 0 ? '(none)' : value.map(show).join(', ');
  return show(value);
};

export function diffView(changes: readonly EntityChange[]) {
  return changes.map((change) => ({
    ...change,
    fields: change.fields.map(({ field, before, after }) => {
      // Lists on both sides: what went in and out. A list on one side only: its items, or "(none)".
      if (Array.isArray(before) && Array.isArray(after)) {
        const was = before.map(show);
        const now = after.map(show);
        return {
          field,
          removed: was.filter((v) => !now.includes(v)),
          added: now.filter((v) => !was.includes(v)),
        };
      }
      return { field, before: text(before), after: text(after) };
    }),
  }));
}

/** The problems an admin refusal lists, or its message when it names no field. */
export function issuesOf(error: unknown): ConfigIssue[] {
  if (!(error instanceof AdminError)) throw error;
  return error.issues.length > 0 ? error.issues : [{ path: '', message: error.message }];
}
