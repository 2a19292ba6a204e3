// A diff as plain text lines, for the CLI and logs: + added, - removed, ~ changed, one indented line per field, in words; a new client's defaults folded into its first line.
import type { EntityChange, FieldChange } from './diff.ts';
import { foldAddedClient } from './diff-fold.ts';
import { fieldWords, KIND_WORDS, valueWords } from './field-labels.ts';

const SIGN = { added: '+', removed: '-', changed: '~' } as const;

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Lists show what went in and out, which reads better than two long arrays. */
export function describeField(change: FieldChange): string {
  const { field, before, after } = change;
  const words = (value: unknown) => valueWords(field, value);
  if (Array.isArray(before) && Array.isArray(after)) {
    const added = after.filter((v) => !before.some((b) => same(b, v)));
    const removed = before.filter((v) => !after.some((a) => same(a, v)));
    if (added.length + removed.length > 0) {
      return [...added.map((v) => `+ ${words(v)}`), ...removed.map((v) => `- ${words(v)}`)].join(', ');
    }
    return `${before.map(words).join(', ')} (order changed)`;
  }
  const list = (value: unknown) =>
    Array.isArray(value) ? (value.length === 0 ? '(none)' : value.map(words).join(', ')) : words(value);
  if (before === undefined) return list(after);
  return `${list(before)} → ${list(after)}`;
}

/** "~ API https://api.example.com" then "    token format: JWT → opaque". */
export function formatDiff(changes: readonly EntityChange[]): string {
  if (changes.length === 0) return 'no changes\n';
  const lines: string[] = [];
  for (const change of changes) {
    const folded = foldAddedClient(change);
    const head = `${SIGN[change.action]} ${KIND_WORDS[change.kind]} ${change.id}`;
    const defaults = folded ? folded.defaults.length : 0;
    lines.push(
      folded
        ? `${head} (${folded.headline})${defaults > 0 ? ` — ${defaults} default${defaults === 1 ? '' : 's'}` : ''}`
        : head,
    );
    for (const field of folded ? folded.fields : change.fields) {
      lines.push(`    ${fieldWords(change.kind, field.field, change.type)}: ${describeField(field)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
