// Who is acting: an admin in the UI or an API token; decides whose draft an edit goes to and who a commit names.

export type Principal = (
  | { via: 'ui'; username: string }
  | { via: 'token'; username: string; tokenId: string; tokenName: string }
  /** `draft` names a draft of its own, for a one-shot command that commits at once. */
  | { via: 'cli'; username: string; draft?: string }
) & {
  /** Where the request came from, for the audit log; none on the command line. */
  address?: string | undefined;
};

/**
 * Drafts are per principal: each admin has one draft shared by their browser sessions, and each API
 * token has its own, so a script never commits an admin's half-finished edits (and vice versa).
 */
export function draftOwner(principal: Principal): string {
  switch (principal.via) {
    case 'ui':
      return `admin:${principal.username.toLowerCase()}`;
    case 'token':
      return `token:${principal.tokenId}`;
    case 'cli':
      // The command line works on the local database as the operator: one draft for every CLI call.
      return principal.draft === undefined ? 'cli' : `cli:${principal.draft}`;
  }
}

export function authorName(principal: Principal): string {
  return principal.via === 'token'
    ? `${principal.username} (API token "${principal.tokenName}")`
    : principal.username;
}
