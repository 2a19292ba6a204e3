// Which grants end with the SSO session: OpenID Connect Core §11 ties every grant made without
// offline_access to the user's login, so ending that session (RP-Initiated Logout 1.0 §2, the account
// page) ends them too; an offline_access grant is meant to outlive the session and is not bound.
import type { Session } from '../../store/ports/index.ts';

export const OFFLINE_ACCESS = 'offline_access';

/** The session hash a new grant is recorded with, or null when the grant outlives the session. */
export function sessionBinding(scope: readonly string[], session: Pick<Session, 'idHash'>): string | null {
  return scope.includes(OFFLINE_ACCESS) ? null : session.idHash;
}
