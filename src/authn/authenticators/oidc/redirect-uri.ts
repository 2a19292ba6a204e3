// The callback URL of an oidc authenticator: what the upstream provider must have registered as its redirect URI.
import { PATHS } from '../../../config/endpoints.ts';

/** The callback route under the Authentication Service, `:id` the authenticator. */
export const UPSTREAM_CALLBACK_ROUTE = `${PATHS.authn}/callback/oidc/:id`;

/** `base` is the server's base URL (endpoints.base): e.g. https://login.example.com/authn/callback/oidc/acme. */
export const upstreamRedirectUri = (base: string, authenticatorId: string): string =>
  `${base.replace(/\/+$/, '')}${UPSTREAM_CALLBACK_ROUTE.replace(':id', encodeURIComponent(authenticatorId))}`;
