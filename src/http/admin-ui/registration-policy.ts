// The registration policy form on the Registered clients page: read from the admin's draft, saved into it, committed with the rest.
import type { FastifyRequest } from 'fastify';
import { AUTH_METHOD_WORDS } from '../../admin/field-labels.ts';
import { type Snapshot, STANDARD_SCOPES } from '../../config/schema.ts';
import {
  REGISTRATION_AUTH_METHODS,
  REGISTRATION_GRANT_TYPES,
  type RegistrationPolicy,
  registrationPolicy,
} from '../../config/schema-registration.ts';
import { checked, field, fields, formOf, numberField } from './forms.ts';

const GRANT_WORDS: Record<(typeof REGISTRATION_GRANT_TYPES)[number], string> = {
  authorization_code: 'Sign users in (authorization code)',
  refresh_token: 'Stay signed in (refresh tokens)',
  client_credentials: 'Act as itself, with no user (client credentials)',
};

const DAY = 86_400;

/** What the form shows: the draft's policy in the units a person types (days, minutes), and the choices. */
export function policyForm(snapshot: Snapshot, sent?: Partial<Record<keyof RegistrationPolicy, unknown>>) {
  // A refused form shows what was sent, not the draft, so nothing typed is lost.
  const p = { ...registrationPolicy(snapshot), ...sent } as RegistrationPolicy;
  const scopes = [...Object.keys(STANDARD_SCOPES), ...snapshot.scopes.map((s) => s.name)];
  return {
    enabled: p.enabled,
    open: p.access === 'open',
    hosts: p.redirect_uri_hosts.join(' '),
    customSchemes: p.allow_custom_schemes,
    scopes: scopes.map((name) => ({ name, on: p.scopes.includes(name) })),
    apis: snapshot.apis.map((a) => ({
      id: a.identifier,
      name: a.name ?? a.identifier,
      on: p.apis.includes(a.identifier),
    })),
    grants: REGISTRATION_GRANT_TYPES.map((g) => ({
      id: g,
      label: GRANT_WORDS[g],
      on: p.grant_types.includes(g),
    })),
    methods: REGISTRATION_AUTH_METHODS.map((m) => ({
      id: m,
      label: AUTH_METHOD_WORDS[m] ?? m,
      on: p.token_endpoint_auth_methods.includes(m),
    })),
    // Whole days when it is one; the schema counts seconds.
    unusedDays: String(p.unused_lifetime / DAY),
    rateLimit: String(p.rate_limit),
    rateMinutes: String(p.rate_window / 60),
  };
}

/** The form as a policy patch; blanks left out, so the schema's message names what is missing or wrong. */
export function policyPatch(request: FastifyRequest): Partial<Record<keyof RegistrationPolicy, unknown>> {
  const form = formOf(request);
  const days = numberField(form, 'unused_days');
  const minutes = numberField(form, 'rate_minutes');
  const limit = numberField(form, 'rate_limit');
  return {
    enabled: checked(form, 'enabled'),
    access: field(form, 'access') === 'open' ? 'open' : 'initial_access_token',
    redirect_uri_hosts: field(form, 'hosts')
      .split(/[\s,]+/)
      .filter((h) => h !== '')
      .map((h) => h.toLowerCase()),
    allow_custom_schemes: checked(form, 'custom_schemes'),
    scopes: fields(form, 'scopes'),
    apis: fields(form, 'apis'),
    grant_types: fields(form, 'grant_types'),
    token_endpoint_auth_methods: fields(form, 'auth_methods'),
    ...(days === undefined ? {} : { unused_lifetime: Math.round(days * DAY) }),
    ...(limit === undefined ? {} : { rate_limit: limit }),
    ...(minutes === undefined ? {} : { rate_window: Math.round(minutes * 60) }),
  };
}
