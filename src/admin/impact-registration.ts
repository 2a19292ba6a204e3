// What a change of the registration policy does: who can register from the commit on; registered clients themselves keep working.
import type { Snapshot } from '../config/schema.ts';
import { registrationPolicy } from '../config/schema-registration.ts';
import type { ImpactItem } from './impact.ts';

const ID = 'dynamic registration';

export function registrationImpact(before: Snapshot, after: Snapshot): ImpactItem[] {
  const [b, a] = [registrationPolicy(before), registrationPolicy(after)];
  const item = (effect: ImpactItem['effect'], text: string): ImpactItem => ({
    kind: 'registration',
    id: ID,
    effect,
    text,
    tally: {},
  });
  if (b.enabled && !a.enabled) {
    // The endpoints answer 404 while off (RFC 7591 §3, RFC 7592 §2); the resolver still finds registered clients.
    return [
      item(
        'limits',
        'dynamic registration turned off: no client can register, and registered clients can no longer read, change or delete their registration; they keep signing users in',
      ),
    ];
  }
  if (!a.enabled) return [];
  const items: ImpactItem[] = [];
  if (!b.enabled) items.push(item('note', 'dynamic registration turned on'));
  if (a.access === 'open' && (b.access !== 'open' || !b.enabled)) {
    items.push(item('note', 'anyone may register a client, without an initial access token'));
  }
  if (a.access !== 'open' && b.access === 'open' && b.enabled) {
    items.push(item('limits', 'registering a client now needs an initial access token'));
  }
  return items;
}
