// What introspection (RFC 7662) adds for an exchanged token: its act claim (RFC 8693 §4.1) and external subject.
import type { StoredToken } from '../../store/ports/index.ts';

/** Members that override or join the usual ones; empty for a token that was not exchanged. */
export function exchangedClaims(token: StoredToken): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // RFC 8693 §2.2.1/§4.1: the act claim is reported as issued, nested actors included.
  if (token.act !== undefined) out['act'] = JSON.parse(token.act);
  if (token.subject !== undefined) {
    const subject = JSON.parse(token.subject) as { sub?: unknown };
    if (typeof subject.sub === 'string') out['sub'] = subject.sub;
  }
  return out;
}
