// The client ID metadata document rules in words a person reads, for the admin's Registered clients page.
import type { ClientIdMetadataPolicy } from '../../config/schema-cimd.ts';

const duration = (seconds: number): string =>
  seconds % 3_600 === 0 && seconds >= 3_600
    ? `${seconds / 3_600} hour${seconds === 3_600 ? '' : 's'}`
    : seconds % 60 === 0 && seconds >= 60
      ? `${seconds / 60} minute${seconds === 60 ? '' : 's'}`
      : `${seconds} second${seconds === 1 ? '' : 's'}`;

/** One sentence per rule; empty while the feature is off. */
export function documentLines(policy: ClientIdMetadataPolicy | undefined): string[] {
  if (!policy) return [];
  return [
    policy.allow_hosts.length === 0
      ? 'Documents may come from any web host'
      : `Documents may come only from ${policy.allow_hosts.join(', ')}`,
    ...(policy.deny_hosts.length === 0 ? [] : [`Never from ${policy.deny_hosts.join(', ')}.`]),
    `Scopes such a client may get: ${policy.scopes.join(', ') || 'none'}.`,
    `APIs such a client may ask for: ${policy.apis.join(', ') || 'none'}.`,
    `A document is kept between ${duration(policy.cache_min_seconds)} and ${duration(policy.cache_max_seconds)}, as long as its server allows, on each server separately.`,
    'Every such client asks the user for consent, and its host is shown on the consent page.',
  ].map((line) => (line.endsWith('.') ? line : `${line}.`));
}
