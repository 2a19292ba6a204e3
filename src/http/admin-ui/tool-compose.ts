// The flow explorer's compose form: the authorization request's parameters read from it, checked, and pushed (PAR) when asked.
import { PATHS } from '../../config/endpoints.ts';
import { checked, type Form, field } from './forms.ts';
import { type Caller, type Exchange, postForm } from './tool-calls.ts';

/** What the compose form may carry to the authorization request, besides the generated state, nonce and PKCE pair. */
export const COMPOSED = [
  'client_id',
  'redirect_uri',
  'scope',
  'prompt',
  'resource',
  'login_hint',
  'max_age',
  'acr_values',
  'claims',
  'id_token_hint',
  'ui_locales',
  'display',
  'response_mode',
  'dpop_jkt',
] as const;

export interface Composed {
  params: Record<string, string>;
  /** The form as typed, to show again. */
  back: Record<string, unknown>;
  /** Why the form cannot be sent as it is (the claims parameter is not a JSON object). */
  error: string | undefined;
}

export function readCompose(form: Form): Composed {
  const params: Record<string, string> = { response_type: 'code' };
  for (const name of COMPOSED) {
    const value = field(form, name).trim();
    if (value !== '') params[name] = value;
  }
  const back = {
    ...Object.fromEntries(COMPOSED.map((n) => [n, field(form, n)])),
    pkce: field(form, 'pkce'),
    nonce: checked(form, 'nonce'),
    par: checked(form, 'par'),
    client_choice: field(form, 'client_choice'),
  };
  return { params, back, error: claimsError(params['claims']) };
}

/** OIDC Core §5.5: claims is a JSON object; caught here so the admin sees it next to the field, not as a refusal. */
function claimsError(claims: string | undefined): string | undefined {
  if (claims === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(claims);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return undefined;
  } catch {}
  return 'claims must be a JSON object, e.g. {"id_token": {"email": null}}';
}

/**
 * RFC 9126 §2: pushes the request server-side, authenticated as the client (a public one sends client_id);
 * the browser is then sent with client_id and request_uri only (§4).
 */
export async function pushRequest(
  caller: Caller,
  prefix: string,
  params: Record<string, string>,
): Promise<{ exchange: Exchange; requestUri: string | undefined }> {
  const exchange = await postForm(caller, 'Pushed authorization request (PAR)', prefix + PATHS.par, params);
  let requestUri: string | undefined;
  try {
    const body = JSON.parse(exchange.body) as Record<string, unknown>;
    if (exchange.status === 201 && typeof body['request_uri'] === 'string') requestUri = body['request_uri'];
  } catch {}
  return { exchange, requestUri };
}
