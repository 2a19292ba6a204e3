// The posture rules in the order warnings are listed, and the one function that runs them over a client.
import type { ClientConfig } from '../../config/schema.ts';
import { clientRules } from './rules-client.ts';
import { redirectRules } from './rules-redirects.ts';
import { type PostureContext, type PostureRule, type PostureWarning, SEVERITY_ORDER } from './types.ts';

export const POSTURE_RULES = [...clientRules, ...redirectRules] satisfies PostureRule[];

/** Every warning for one client, most severe first. */
export function clientWarnings(client: ClientConfig, context: PostureContext): PostureWarning[] {
  return POSTURE_RULES.flatMap((rule) =>
    rule.check(client, context).map((w) => ({ ...w, rule: rule.id })),
  ).sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}
