// A diff as plain text lines, for the CLI and logs: + added, - removed, ~ changed, one indented line per field.
import type { EntityChange, FieldChange } from './diff.ts';

const SIGN = { added: '+', removed: '-', changed: '~' } as const;

const show = (value: unknown): string => JSON.stringify(value);

/** Lists show what went in and out, which reads better than two long arrays. */
export function describeField(change: FieldChange): string {
  const { before, after } = change;
  if (Array.isArray(before) && Array.isArray(after)) {
    const added = after.filter((v) => !before.some((b) => show(b) === show(v)));
    const removed = before.filter((v) => !after.some((a) => show(a) === show(v)));
    if (added.length + removed.length > 0) {
      return [...added.map((v) => `+ ${show(v)}`), ...removed.map((v) => `- ${show(v)}`)].join(', ');
    }
    return `${show(before)} → ${show(after)} (order)`;
  }
  if (before === undefined) return show(after);
  if (after === undefined) return `${show(before)} → (unset)`;
  return `${show(before)} → ${show(after)}`;
}

export function formatDiff(changes: readonly EntityChange[]): string {
  if (changes.length === 0) return 'no changes\n';
  const lines: string[] = [];
  for (const change of changes) {
    lines.push(`${SIGN[change.action]} ${change.kind} ${change.id}`);
    for (const field of change.fields) lines.push(`    ${field.field}: ${describeField(field)}`);
  }
  return `${lines.join('\n')}\n`;
}
