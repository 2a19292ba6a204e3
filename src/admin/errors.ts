// Admin failures as typed values: one code per kind of refusal, mapped to HTTP in one place (http/admin-api/errors.ts).
import type { ConfigIssue } from '../config/validate.ts';

export type AdminErrorCode =
  /** A field is wrong: every wrong field is listed in `issues`. */
  | 'invalid_request'
  /** The draft as a whole would not be a valid configuration (cross-references): every problem listed. */
  | 'invalid_config'
  | 'not_found'
  /** An id that must be unique is taken. */
  | 'duplicate'
  /** The live configuration moved on since the draft (or rollback) was based on it: rebase and retry. */
  | 'conflict'
  /** A rebase found entries changed both in the draft and in the newer revision. */
  | 'merge_conflict'
  /** Nothing to commit, or a rollback to the revision that is already live. */
  | 'no_changes'
  /** The entry as it is now does not allow the action (a user without an email address, a disabled one). */
  | 'refused'
  /** A limit on messages was reached (a user's password reset links within the hour): try again later. */
  | 'throttled'
  /** The mail server refused the message or did not answer: nothing was sent. */
  | 'mail_failed';

export class AdminError extends Error {
  readonly issues: ConfigIssue[];
  /** For `conflict`: the revision that is live now. */
  readonly current: number | null;

  constructor(
    readonly code: AdminErrorCode,
    message: string,
    options: { issues?: ConfigIssue[]; current?: number | null } = {},
  ) {
    super(message);
    this.name = 'AdminError';
    this.issues = options.issues ?? [];
    this.current = options.current ?? null;
  }
}

export const notFound = (what: string): AdminError => new AdminError('not_found', `no ${what}`);

export const invalid = (issues: ConfigIssue[], message?: string): AdminError =>
  new AdminError(
    'invalid_request',
    message ?? `${issues.length} ${issues.length === 1 ? 'field is' : 'fields are'} invalid`,
    { issues },
  );
