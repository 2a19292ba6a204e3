// The audit recorder shared by authn and admin: stamps the time, keeps secrets and bad input out, never fails a request.
import type { Clock } from '../shared/clock.ts';
import type { AuditDetail, AuditEvent, AuditStore } from '../store/ports/index.ts';

/** An event as a use case reports it; the recorder adds `at`. */
export type AuditInput = Omit<AuditEvent, 'at'>;

export interface AuditRecorder {
  /** Resolves once written or once the failure is logged: it never rejects, so a request never fails on it. */
  record(event: AuditInput): Promise<void>;
}

export interface AuditLog {
  error(details: { err: unknown }, message: string): void;
}

/** Detail keys that name a secret: the value is dropped whatever it holds. */
const SECRET_KEY =
  /password|passwd|passphrase|secret|code|token|otp|cookie|assertion|private|hash|verifier|nonce|challenge|signature|^pass$|^pin$/i;
const KEY_SHAPE = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;
const MAX_DETAIL_KEYS = 20;
export const MAX_AUDIT_VALUE = 200;

/** A value shaped like a bearer secret: a JWT, or a long base64/base64url run mixing cases and digits. */
function looksSecret(value: string): boolean {
  if (/^eyJ[\w-]+\.[\w-]+\./.test(value)) return true;
  return (
    value.length >= 24 &&
    /^[A-Za-z0-9_\-+/=]+$/.test(value) &&
    /[a-z]/.test(value) &&
    /[A-Z]/.test(value) &&
    /[0-9]/.test(value)
  );
}

// Control characters (NUL first) never reach the table: stop them here, as the edge does for requests.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

/** A top-level field: control characters removed, cut to length; an empty result is left out. */
function field(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  const clean = value.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, MAX_AUDIT_VALUE);
  return clean === '' ? undefined : clean;
}

/** Only small, non-secret facts: secret-named keys, secret-looking, overlong or control-laden values are dropped. */
export function cleanDetail(detail: AuditDetail | undefined): AuditDetail | undefined {
  if (detail === undefined) return undefined;
  const kept: AuditDetail = {};
  for (const [key, value] of Object.entries(detail)) {
    if (Object.keys(kept).length >= MAX_DETAIL_KEYS) break;
    if (!KEY_SHAPE.test(key) || SECRET_KEY.test(key)) continue;
    if (typeof value === 'boolean') kept[key] = value;
    else if (typeof value === 'number') {
      if (Number.isFinite(value)) kept[key] = value;
    } else if (typeof value === 'string') {
      if (value.length <= MAX_AUDIT_VALUE && !CONTROL.test(value) && !looksSecret(value)) kept[key] = value;
    }
  }
  return Object.keys(kept).length > 0 ? kept : undefined;
}

/** The event as it is stored: fields cleaned, absent ones left out. */
export function cleanEvent(event: AuditInput, at: number): AuditEvent {
  const clean: AuditEvent = { type: event.type, at };
  const accountId = field(event.accountId);
  const clientId = field(event.clientId);
  const actor = field(event.actor);
  const address = field(event.address);
  const detail = cleanDetail(event.detail);
  if (accountId !== undefined) clean.accountId = accountId;
  if (clientId !== undefined) clean.clientId = clientId;
  if (actor !== undefined) clean.actor = actor;
  if (address !== undefined) clean.address = address;
  if (detail !== undefined) clean.detail = detail;
  return clean;
}

export interface AuditRecorderDeps {
  store: AuditStore;
  clock: Clock;
  /** A function: the server's logger exists only once the app is built. */
  log(): AuditLog;
}

export function createAuditRecorder(deps: AuditRecorderDeps): AuditRecorder {
  return {
    async record(event) {
      try {
        await deps.store.record(cleanEvent(event, deps.clock.nowSeconds()));
      } catch (err) {
        // The event's type only: its fields stay out of the log as they stay out of a failed row.
        try {
          deps.log().error({ err }, `audit event ${event.type} not recorded`);
        } catch {}
      }
    },
  };
}

/** For tests and tools that record nothing. */
export const noAudit: AuditRecorder = { record: async () => {} };
