// Where each service lives: the paths the seed uses, under the configured base URL.
export const PATHS = {
  issuer: '/oauth/v2/oauth-anonymous',
  authorize: '/oauth/v2/oauth-authorize',
  token: '/oauth/v2/oauth-token',
  par: '/oauth/v2/oauth-par',
  deviceAuthorization: '/oauth/v2/oauth-device-authorization',
  /** RFC 8628 §3.3: the verification page the user types, so short on purpose. */
  device: '/device',
  userinfo: '/oauth/v2/oauth-userinfo',
  introspect: '/oauth/v2/oauth-introspect',
  revoke: '/oauth/v2/oauth-revoke',
  /** RFC 7591 §3: dynamic client registration; RFC 7592 §3: each client's management URI below it. */
  registration: '/oauth/v2/oauth-registration',
  logout: '/oauth/v2/oauth-session/logout',
  jwks: '/oauth/v2/oauth-anonymous/jwks',
  discovery: '/oauth/v2/oauth-anonymous/.well-known/openid-configuration',
  /** RFC 8414 §3: the well-known suffix inserted before the issuer's path. */
  asMetadata: '/.well-known/oauth-authorization-server/oauth/v2/oauth-anonymous',
  authn: '/authn',
  admin: '/admin',
} as const;

export interface Endpoints {
  base: string;
  /** Path prefix of base_url (empty when Tessera is served at the origin's root). */
  prefix: string;
  issuer: string;
  authorize: string;
  token: string;
  /** RFC 9126 pushed authorization request endpoint. */
  par: string;
  /** RFC 8628 §3.1 device authorization endpoint, and §3.2 verification_uri. */
  deviceAuthorization: string;
  device: string;
  userinfo: string;
  introspect: string;
  revoke: string;
  logout: string;
  jwks: string;
  discovery: string;
}

export function endpointsFor(baseUrl: string): Endpoints {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    base,
    prefix: new URL(base).pathname.replace(/\/+$/, ''),
    issuer: base + PATHS.issuer,
    authorize: base + PATHS.authorize,
    token: base + PATHS.token,
    par: base + PATHS.par,
    deviceAuthorization: base + PATHS.deviceAuthorization,
    device: base + PATHS.device,
    userinfo: base + PATHS.userinfo,
    introspect: base + PATHS.introspect,
    revoke: base + PATHS.revoke,
    logout: base + PATHS.logout,
    jwks: base + PATHS.jwks,
    discovery: base + PATHS.discovery,
  };
}
