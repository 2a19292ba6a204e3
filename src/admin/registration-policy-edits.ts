// The registration policy (RFC 7591) on a draft snapshot: changed field by field, or cleared back to off.
import type { Snapshot } from '../config/schema.ts';
import { registrationPolicy, registrationSchema } from '../config/schema-registration.ts';
import { invalid } from './errors.ts';
import { parseInput } from './parse.ts';

/** The fields given replace the draft's (or the default's); the whole policy is then checked. */
export function updateRegistrationPolicy(snapshot: Snapshot, raw: unknown): Snapshot {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw invalid([{ path: 'registration', message: 'send the policy fields as an object' }]);
  }
  const policy = parseInput(registrationSchema, { ...registrationPolicy(snapshot), ...raw }, [
    'registration',
  ]);
  // RFC 8707: only APIs this server defines (checked again at commit, so a later API delete is caught too).
  const known = new Set(snapshot.apis.map((a) => a.identifier));
  const unknown = policy.apis.flatMap((api, i) =>
    known.has(api) ? [] : [{ path: `registration.apis[${i}]`, message: `there is no API "${api}"` }],
  );
  if (unknown.length > 0) throw invalid(unknown);
  return { ...snapshot, registration: policy };
}

/** Back to the built-in policy: registration off. */
export function clearRegistrationPolicy(snapshot: Snapshot): Snapshot {
  const { registration: _dropped, ...rest } = snapshot;
  return rest;
}
