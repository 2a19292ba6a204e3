// A change's impact as plain text, for `tessera config diff`: the totals, then one line per effect.
import type { Impact } from './impact.ts';

export function formatImpact(impact: Impact): string {
  if (impact.items.length === 0)
    return '\nimpact on live data: none (no stored grant, token, consent or session is affected)\n';
  const lines = ['', 'impact on live data (counted from the store now):'];
  for (const line of impact.summary) lines.push(`  * ${line}`);
  for (const item of impact.items) lines.push(`  [${item.effect}] ${item.text}`);
  return `${lines.join('\n')}\n`;
}
