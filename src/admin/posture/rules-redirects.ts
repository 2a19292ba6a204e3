// Posture rules on where a client's codes go: wildcard-looking, open-redirector-looking and localhost redirect URIs.
import type { ClientConfig } from '../../config/schema.ts';
import { isLoopbackHost } from '../../config/schema-parts.ts';
import { sha256 } from '../../shared/crypto.ts';
import type { PostureFix, PostureRule } from './types.ts';

/** A per-URI warning id that survives edits to the other URIs: the rule plus a short hash of the URI. */
export const uriWarningId = (rule: string, uri: string): string => `${rule}.${sha256(uri).slice(0, 8)}`;

/** Removing a redirect URI is a safe fix only when the client keeps at least one. */
function removal(client: ClientConfig, uri: string): PostureFix | null {
  const rest = client.redirect_uris.filter((u) => u !== uri);
  if (rest.length === 0 && client.capabilities.includes('code')) return null;
  return { kind: 'patch', patch: { redirect_uris: rest }, summary: `remove the redirect URI ${uri}` };
}

/** Query parameters that usually carry a further destination: the client may forward the code there. */
const FORWARDING_PARAM =
  /^(next|url|redirect|redirect_to|redirect_url|return|return_to|returnto|goto|continue|dest|destination|target)$/i;

export const redirectRules: PostureRule[] = [
  {
    id: 'redirect-wildcard',
    check: (client) =>
      client.redirect_uris
        .filter((uri) => uri.includes('*') || /%2a/i.test(uri))
        .map((uri) => ({
          id: uriWarningId('redirect-wildcard', uri),
          severity: 'high' as const,
          message: `The redirect URI ${uri} looks like a wildcard. Tessera compares redirect URIs exactly, so "*" only matches itself: either the URI is a mistake, or someone expects a looseness that lets an attacker choose where codes go.`,
          reference: 'RFC 9700 §2.1, §4.1.3',
          fix: removal(client, uri),
        })),
  },
  {
    id: 'redirect-forwarding',
    check: (client) =>
      client.redirect_uris
        .filter((uri) => [...new URL(uri).searchParams.keys()].some((k) => FORWARDING_PARAM.test(k)))
        .map((uri) => ({
          id: uriWarningId('redirect-forwarding', uri),
          severity: 'medium' as const,
          message: `The redirect URI ${uri} carries a parameter that names a further destination. If the client forwards the browser there, it is an open redirector that can leak the code; register a URI without it and keep the destination in the state.`,
          reference: 'RFC 9700 §4.11.1',
          fix: removal(client, uri),
        })),
  },
  {
    id: 'redirect-localhost-name',
    check: (client) =>
      client.redirect_uris
        .filter((uri) => {
          const url = new URL(uri);
          return (
            url.protocol === 'http:' && (url.hostname === 'localhost' || url.hostname.endsWith('.localhost'))
          );
        })
        .map((uri) => {
          const url = new URL(uri);
          url.hostname = '127.0.0.1';
          const literal = url.toString();
          const rest = client.redirect_uris.filter((u) => u !== uri && u !== literal);
          return {
            id: uriWarningId('redirect-localhost-name', uri),
            severity: 'low' as const,
            message: `The redirect URI ${uri} names localhost. A name can resolve to another interface or be listened on by another program; the loopback IP literal cannot.`,
            reference: 'RFC 8252 §8.3',
            fix: {
              kind: 'patch' as const,
              patch: { redirect_uris: [...rest, literal] },
              summary: `replace ${uri} with ${literal}`,
            },
          };
        }),
  },
  {
    id: 'redirect-http-confidential',
    check: (client) =>
      client.token_endpoint_auth_method === 'none'
        ? []
        : client.redirect_uris
            .filter((uri) => {
              const url = new URL(uri);
              return url.protocol === 'http:' && isLoopbackHost(url.hostname);
            })
            .map((uri) => ({
              id: uriWarningId('redirect-http-confidential', uri),
              severity: 'low' as const,
              message: `The confidential client has the plain-http redirect URI ${uri}. Loopback http is meant for native apps; on a web server client it is usually a development entry left in, and the code reaches whatever listens on that port.`,
              reference: 'RFC 6749 §3.1.2.1, RFC 8252 §7.3',
              fix: removal(client, uri),
            })),
  },
];
