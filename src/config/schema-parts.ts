// Value schemas shared by the client, API and scope schemas: hosts, redirect URIs, scope tokens.
import { z } from 'zod';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || hostname.endsWith('.localhost') || /^127\./.test(hostname);
}

/** RFC 6749 §3.1.2: absolute, no fragment; HTTPS unless loopback (RFC 8252 §7.3) or a private-use scheme (§7.1). */
export const redirectUriSchema = z.string().superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not an absolute URI` });
    return;
  }
  if (url.hash !== '' || value.includes('#')) {
    ctx.addIssue({ code: 'custom', message: `"${value}" must not contain a fragment (RFC 6749 §3.1.2)` });
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    ctx.addIssue({
      code: 'custom',
      message: `"${value}" must use https unless it points at a loopback host`,
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:' && !url.protocol.slice(0, -1).includes('.')) {
    ctx.addIssue({
      code: 'custom',
      message: `"${value}": a private-use scheme must be a reverse domain name such as com.example.app (RFC 8252 §7.1)`,
    });
  }
});

/** RFC 6749 Appendix A: scope tokens are NQCHAR without space. */
export const scopeTokenSchema = z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'is not a valid scope token');

/** RFC 8707 §2: a resource indicator is an absolute URI without a fragment. */
export const resourceUriSchema = z.string().superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not an absolute URI (RFC 8707 §2)` });
    return;
  }
  if (value.includes('#') || url.hash !== '') {
    ctx.addIssue({ code: 'custom', message: `"${value}" must not contain a fragment (RFC 8707 §2)` });
  }
});

/** Where the server fetches from (a client's jwks_uri): https, or http on a loopback host. */
export const fetchUrlSchema = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
  } catch {
    return false;
  }
}, 'must be an https URL (http only on a loopback host)');
