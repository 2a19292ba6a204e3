// The client page's Token exchange section (RFC 8693): the form read into a patch, and the choices it offers.
import type { ClientPatch } from '../../admin/inputs.ts';
import type { ClientConfig } from '../../config/schema.ts';
import { checked, type Form, field, fields } from './forms.ts';

/** The token types a client may present, in the words the page shows. */
export const EXCHANGE_TOKEN_CHOICES = [
  { id: 'access_token', label: 'Access tokens this server issued' },
  { id: 'refresh_token', label: 'Refresh tokens this server issued to the client itself' },
  { id: 'id_token', label: 'ID tokens this server issued to the client' },
  { id: 'jwt', label: 'JWTs from a trusted issuer' },
];

/** Ticked: the policy as the form gives it and the capability; unticked: neither (the policy is removed). */
export function exchangePatch(form: Form, client: ClientConfig): ClientPatch {
  const others = client.capabilities.filter((c) => c !== 'token_exchange');
  if (!checked(form, 'exchange_on')) return { capabilities: others, token_exchange: null };
  const subjectClients = field(form, 'subject_clients')
    .split(/[\s,]+/)
    .filter((id) => id !== '');
  return {
    capabilities: [...others, 'token_exchange'],
    token_exchange: {
      subject_token_types: fields(form, 'subject_token_types') as never,
      actor_token_types: fields(form, 'actor_token_types') as never,
      audiences: fields(form, 'exchange_audiences'),
      impersonation: checked(form, 'impersonation'),
      delegation: checked(form, 'delegation'),
      trusted_issuers: fields(form, 'exchange_issuers'),
      subject_clients: subjectClients,
    },
  };
}
