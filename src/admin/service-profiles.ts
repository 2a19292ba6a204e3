// The profiles overview: the Token Service and the Authentication Service, with their endpoints (UI and API share it).
import { type Endpoints, PATHS } from '../config/endpoints.ts';
import type { Snapshot } from '../config/schema.ts';
import { authenticatorView } from './views.ts';

export function profiles(endpoints: Endpoints, snapshot: Snapshot) {
  const authn = endpoints.base + PATHS.authn;
  return {
    token_service: {
      issuer: endpoints.issuer,
      endpoints: {
        authorization: endpoints.authorize,
        token: endpoints.token,
        userinfo: endpoints.userinfo,
        introspection: endpoints.introspect,
        revocation: endpoints.revoke,
        end_session: endpoints.logout,
        jwks: endpoints.jwks,
        discovery: endpoints.discovery,
      },
      clients: snapshot.clients.length,
    },
    authentication_service: {
      endpoints: { base: authn, account: `${authn}/account` },
      authenticators: snapshot.authenticators.map((a) => ({
        ...authenticatorView(a),
        login: `${authn}/authenticate/${a.type}/${encodeURIComponent(a.id)}`,
      })),
    },
  };
}
