// Turns one submitted section of the client page into an admin operation: a patch, a new secret, or a delete.
import type { ClientPatch } from '../../admin/inputs.ts';
import type { ClientConfig } from '../../config/schema.ts';
import { checked, type Form, field, fields, numberField } from './forms.ts';

export type ClientFormAction =
  | { kind: 'patch'; patch: ClientPatch }
  | { kind: 'secret'; secret?: string }
  | { kind: 'delete' }
  | { kind: 'refused'; path: string; message: string };

export const SECTIONS = [
  'settings',
  'capabilities',
  'redirect_add',
  'redirect_remove',
  'authentication',
  'secret',
  'authenticator',
  'scopes',
  'tokens',
  'delete',
] as const;
export type ClientSection = (typeof SECTIONS)[number];

export function clientFormAction(section: ClientSection, form: Form, client: ClientConfig): ClientFormAction {
  switch (section) {
    case 'settings':
      return { kind: 'patch', patch: { name: field(form, 'name').trim() } };
    case 'capabilities':
      return {
        kind: 'patch',
        patch: { capabilities: fields(form, 'capabilities') as ClientPatch['capabilities'] },
      };
    case 'redirect_add': {
      const uri = field(form, 'redirect_uri').trim();
      if (client.redirect_uris.includes(uri)) {
        return { kind: 'refused', path: 'redirect_uris', message: `"${uri}" is registered already` };
      }
      return { kind: 'patch', patch: { redirect_uris: [...client.redirect_uris, uri] } };
    }
    case 'redirect_remove': {
      const uri = field(form, 'redirect_uri');
      return { kind: 'patch', patch: { redirect_uris: client.redirect_uris.filter((u) => u !== uri) } };
    }
    case 'authentication':
      return {
        kind: 'patch',
        patch: {
          token_endpoint_auth_method: field(
            form,
            'token_endpoint_auth_method',
          ) as ClientPatch['token_endpoint_auth_method'],
        },
      };
    case 'secret': {
      const secret = field(form, 'secret');
      return field(form, 'mode') === 'enter' ? { kind: 'secret', secret } : { kind: 'secret' };
    }
    case 'authenticator':
      return { kind: 'patch', patch: { authenticator: field(form, 'authenticator') } };
    case 'scopes':
      return { kind: 'patch', patch: { scopes: fields(form, 'scopes') } };
    case 'tokens': {
      const patch: ClientPatch = {
        refresh_token: { enabled: checked(form, 'refresh_enabled') },
        id_token_signed_response_alg: field(
          form,
          'id_token_alg',
        ) as ClientPatch['id_token_signed_response_alg'],
      };
      const lifetime = numberField(form, 'refresh_lifetime');
      if (lifetime !== undefined) patch.refresh_token = { ...patch.refresh_token, lifetime };
      const access = numberField(form, 'access_token_lifetime');
      if (access !== undefined) patch.access_token_lifetime = access;
      const idToken = numberField(form, 'id_token_lifetime');
      if (idToken !== undefined) patch.id_token_lifetime = idToken;
      return { kind: 'patch', patch };
    }
    case 'delete':
      return { kind: 'delete' };
  }
}
