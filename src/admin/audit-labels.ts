// Plain words for the audit log: each event type and each detail key as a person reads them on the admin pages.
import type { AuditType } from '../store/ports/index.ts';

/** Every type the port knows, named: `satisfies` makes a new type in the port fail here until it has words. */
export const AUDIT_LABELS = {
  'login.succeeded': 'Login succeeded',
  'login.failed': 'Login failed',
  'login.throttled': 'Login refused after too many failures',
  'account.created': 'Account created',
  'account.disabled': 'Account disabled',
  'account.enabled': 'Account enabled',
  'factor.enrolled': 'Second factor added',
  'factor.removed': 'Second factor removed',
  'recovery_codes.regenerated': 'Recovery codes replaced',
  'recovery_code.used': 'Recovery code used',
  'password.changed': 'Password changed',
  'password.reset_requested': 'Password reset requested',
  'password.reset': 'Password reset by email link',
  'email.verified': 'Email address verified',
  'email.verification_requested': 'Verification email requested',
  'identity.linked': 'Sign-in through another provider linked',
  'identity.unlinked': 'Sign-in through another provider unlinked',
  'session.ended': 'Session ended',
  'consent.given': 'Consent given',
  'consent.withdrawn': 'Consent withdrawn',
  'config.committed': 'Configuration committed',
  'config.rolled_back': 'Configuration rolled back',
  'client.registered': 'Client registered',
  'client.updated': 'Client updated',
  'client.deleted': 'Client deleted',
  'device.approved': 'Device approved',
  'device.denied': 'Device denied',
  'token.exchanged': 'Token exchanged',
  'audit.purged': 'Audit log purged',
} as const satisfies Record<AuditType, string>;

export const AUDIT_TYPES = Object.keys(AUDIT_LABELS) as AuditType[];

export const auditLabel = (type: string): string =>
  Object.hasOwn(AUDIT_LABELS, type) ? AUDIT_LABELS[type as AuditType] : type;

const DETAIL_LABELS: Record<string, string> = {
  factor: 'Authenticator',
  kind: 'Kind',
  reason: 'Reason',
  revision: 'Revision',
  restored: 'Revision restored',
  imported: 'Imported from a file',
  scope: 'Scopes',
  grants_revoked: 'Grants ended',
  before: 'Recorded before',
  deleted: 'Events deleted',
  name: 'Name',
  sent: 'Message sent',
  sessions_ended: 'Sessions ended',
};

/** A detail key in words: the known ones from the table, others with their underscores as spaces. */
export function detailLabel(key: string): string {
  const known = DETAIL_LABELS[key];
  if (known !== undefined) return known;
  const spaced = key
    .replace(/_/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

/** A detail value in words: yes and no for booleans. */
export const detailValue = (value: string | number | boolean): string =>
  typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value);
