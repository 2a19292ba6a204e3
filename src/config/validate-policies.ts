// Policy checks at commit: every step names authenticators that exist, second-factor-only types never come
// first, acr values are unique, and clients name policies (and first-factor authenticators) that exist.
import { acrFor } from './acr.ts';
import { factorRole, policyAcr, type Snapshot } from './schema.ts';

interface Issue {
  path: string;
  message: string;
}

export function policyIssues(snapshot: Snapshot, at: (...path: PropertyKey[]) => string): Issue[] {
  const issues: Issue[] = [];
  const types = new Map(snapshot.authenticators.map((a) => [a.id, a.type]));
  // A passkey with passwordless off only follows a password (its login page refuses to sign anyone in).
  const afterPasswordOnly = new Set(
    snapshot.authenticators.filter((a) => a.type === 'passkey' && !a.passwordless).map((a) => a.id),
  );
  // The implicit policies' acr values are taken too: a configured policy may not reuse one (OIDC Core §2).
  const acrs = new Map<string, string>();
  for (const a of snapshot.authenticators)
    if (factorRole(a.type) !== 'second') acrs.set(acrFor(a), `authenticator "${a.id}"`);
  const ids = new Set<string>();
  (snapshot.policies ?? []).forEach((p, i) => {
    if (ids.has(p.id)) issues.push({ path: at('policies', i, 'id'), message: `duplicate id "${p.id}"` });
    ids.add(p.id);
    const acr = policyAcr(p);
    const owner = acrs.get(acr);
    if (owner !== undefined)
      issues.push({ path: at('policies', i, 'acr'), message: `acr "${acr}" is already used by ${owner}` });
    acrs.set(acr, `policy "${p.id}"`);
    p.steps.forEach((step, s) => {
      if (step.length === 0)
        issues.push({
          path: at('policies', i, 'steps', s),
          message: 'a step needs at least one authenticator',
        });
      const seen = new Set<string>();
      step.forEach((id, k) => {
        const path = at('policies', i, 'steps', s, k);
        const type = types.get(id);
        if (seen.has(id)) issues.push({ path, message: `"${id}" is named twice in this step` });
        seen.add(id);
        if (type === undefined) issues.push({ path, message: `no authenticator with id "${id}"` });
        else if (s === 0 && factorRole(type) === 'second')
          issues.push({
            path,
            message: `"${id}" (${type}) is a second factor: it cannot be the first step, which signs the user in`,
          });
        else if (s === 0 && afterPasswordOnly.has(id))
          issues.push({
            path,
            message: `"${id}" has passwordless off: it can only be a later step, after a password`,
          });
        else if (s > 0 && factorRole(type) === 'first')
          issues.push({
            path,
            message: `"${id}" (${type}) signs a user in: it can only be the first step`,
          });
      });
    });
  });
  snapshot.clients.forEach((c, i) => {
    const type = types.get(c.authenticator);
    if (type !== undefined && factorRole(type) === 'second')
      issues.push({
        path: at('clients', i, 'authenticator'),
        message: `"${c.authenticator}" is a second factor: name it in a policy's later step instead`,
      });
    else if (afterPasswordOnly.has(c.authenticator))
      issues.push({
        path: at('clients', i, 'authenticator'),
        message: `"${c.authenticator}" has passwordless off: name it in a policy's later step instead`,
      });
    (c.authentication_policies ?? []).forEach((id, j) => {
      if (!ids.has(id))
        issues.push({
          path: at('clients', i, 'authentication_policies', j),
          message: `no policy with id "${id}"`,
        });
    });
  });
  return issues;
}
