// A pushed or signed request that needs a login or consent first: pushed again, so its replay names it only.
import type { ProtocolDeps } from '../deps.ts';
import type { RawParams } from '../params/parse.ts';
import { pushRequest } from './pushed.ts';

/** Long enough to log in (or decide on consent), short enough that an abandoned one soon goes. */
export const CONTINUATION_LIFETIME = 600;

/**
 * The URL to come back to after the login or consent page. A request_uri is used once (RFC 9126 §4), so
 * the request is pushed anew, under a fresh one, and no parameter of a pushed or signed request reaches
 * a URL. The consent page names the scopes it asks for, so for consent the scope is shown in the URL too;
 * the replay itself reads the pushed copy alone.
 */
export async function continuationPath(
  endpointPath: string,
  clientId: string,
  params: RawParams,
  deps: ProtocolDeps,
  showScope: boolean,
): Promise<string> {
  const { request_uri } = await pushRequest(clientId, params, CONTINUATION_LIFETIME, deps);
  const query = new URLSearchParams({ client_id: clientId, request_uri });
  const scope = params['scope'];
  if (showScope && typeof scope === 'string') query.append('scope', scope);
  return `${endpointPath}?${query}`;
}
