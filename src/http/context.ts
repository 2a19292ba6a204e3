// What the HTTP layer is given by main.ts.
import type { JWK } from 'jose';
import type { AdminDeps } from '../admin/deps.ts';
import type { AuthnDeps } from '../authn/deps.ts';
import type { Endpoints } from '../config/endpoints.ts';
import type { ClientIdMetadataPolicy } from '../config/schema-cimd.ts';
import type { KeyAdmin } from '../keys/reencrypt.ts';
import type { ProtocolDeps } from '../protocol/deps.ts';
import type { RegistrationDeps } from '../protocol/registration/deps.ts';
import type { ThrottleStore } from '../store/ports/index.ts';
import type { Metrics } from './plugins/metrics.ts';
import type { ReadinessDeps } from './readiness.ts';

export interface AppDeps {
  protocol: ProtocolDeps;
  /** The Authentication Service's use cases: logins, sessions, consent, the account page. */
  authn: AuthnDeps;
  endpoints: Endpoints;
  jwks(): { keys: JWK[] };
  /** Settles once a first start's background keys exist, so the JWKS is published whole (keys/keyring.ts). */
  keysSettled(): Promise<void>;
  /** Signs the CSRF cookie: a data key (keys/data-keys.ts), so every node agrees and a new master key keeps it. */
  cookieSecret: string;
  /** Cookies get the Secure attribute when the public URL is HTTPS. */
  secureCookies: boolean;
  sessionLifetime: number;
  /** Readiness: the store answers on a schema this node can run with, keys loaded, the config revision served. */
  readiness: ReadinessDeps;
  metrics: Metrics;
  /** Failed-login counts, shared by every worker and node (the end-user and admin logins). */
  throttle: ThrottleStore;
  /** The admin UI and API: stores, secrets and the hook that makes a commit live on this node. */
  admin: AdminDeps;
  /** The admin's Keys page: signing keys, the master key each stored key is under, re-encryption. */
  keys: KeyAdmin;
  /** Dynamic client registration (RFC 7591/7592); its endpoints answer while the committed policy has it on. */
  registration?: RegistrationDeps | undefined;
  /** Client ID Metadata Documents' policy, shown in the admin; absent while they are off. */
  clientIdMetadataDocuments?: ClientIdMetadataPolicy | undefined;
}

export const ASSETS_PATH = '/authn/assets';
