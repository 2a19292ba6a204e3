// Row mapper for device_codes, the same on both SQL engines (pg returns BIGINT as a string).
import type { DeviceCode, DeviceCodeStatus } from './ports/index.ts';
import { int, intOrNull, type Row } from './rows.ts';

export const DEVICE_CODE_COLUMNS =
  'hash, user_code_hash, client_id, scope, resource, status, account_id, auth_time, acr, amr, expires_at, last_polled_at, poll_interval';

export const toDeviceCode = (r: Row): DeviceCode => ({
  hash: r['hash'] as string,
  userCodeHash: r['user_code_hash'] as string,
  clientId: r['client_id'] as string,
  scope: r['scope'] as string,
  resource: (r['resource'] as string | null) ?? null,
  status: r['status'] as DeviceCodeStatus,
  accountId: (r['account_id'] as string | null) ?? null,
  authTime: intOrNull(r['auth_time']),
  acr: (r['acr'] as string | null) ?? null,
  amr: (r['amr'] as string | null) ?? null,
  expiresAt: int(r['expires_at']),
  lastPolledAt: intOrNull(r['last_polled_at']),
  interval: int(r['poll_interval']),
});
