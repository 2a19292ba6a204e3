// Composition root: loads config, opens the store, builds keys and services, and wires them into the HTTP app.
import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { AdminDeps } from './admin/deps.ts';
import { registrationAdmin } from './admin/registration.ts';
import { sealSecrets } from './admin/seal-secrets.ts';
import { setupToken } from './admin/setup.ts';
import { usersAdmin } from './admin/users.ts';
import { createAuditRecorder } from './authn/audit.ts';
import { createUpstreamProviders } from './authn/authenticators/oidc/providers.ts';
import type { AuthnDeps } from './authn/deps.ts';
import { relyingPartyFor } from './authn/passkey/relying-party.ts';
import { findSession, touchSession } from './authn/sessions.ts';
import { type Endpoints, endpointsFor, PATHS } from './config/endpoints.ts';
import type { LiveConfig } from './config/live.ts';
import type { LoadedConfig, Overrides } from './config/load.ts';
import { registrationPolicy } from './config/schema-registration.ts';
import { buildApp } from './http/app.ts';
import { createMetrics } from './http/plugins/metrics.ts';
import { createClientKeys } from './keys/client-jwks.ts';
import { type KeyRing, loadKeyRing } from './keys/keyring.ts';
import type { MasterKey } from './keys/master-key.ts';
import { guardedFetch, outboundSettings } from './keys/outbound.ts';
import { keyAdmin } from './keys/reencrypt.ts';
import { authnSecretBox } from './keys/sealed-authn.ts';
import { sealSecret, unsealSecret } from './keys/sealed-secret.ts';
import { createJwtSigner } from './keys/signer.ts';
import { createIdTokenHintVerifier } from './keys/verify.ts';
import { metadataDocumentSource } from './protocol/clients/metadata-document.ts';
import { createClientResolver } from './protocol/clients/resolver.ts';
import type { ProtocolDeps } from './protocol/deps.ts';
import { startCleanup } from './runtime/cleanup.ts';
import { compileCurrent, createConfigFollower } from './runtime/config-follower.ts';
import { emailLinks } from './runtime/email-links.ts';
import { createMailService } from './runtime/mail/sender.ts';
import { openLocal } from './runtime/open.ts';
import { type Clock, systemClock } from './shared/clock.ts';
import { cryptoRandom, type Random } from './shared/random.ts';
import type { Store } from './store/ports/index.ts';

export interface TesseraOptions {
  overrides?: Overrides;
  env?: NodeJS.ProcessEnv;
  logger?: FastifyServerOptions['logger'];
  clock?: Clock;
  random?: Random;
}

export interface Tessera {
  app: FastifyInstance;
  store: Store;
  config: LoadedConfig;
  endpoints: Endpoints;
  masterKey: MasterKey;
  live(): LiveConfig;
  /** Re-reads the current config revision; called by the poller and after local commits. */
  refresh(): Promise<void>;
  /** One-time link that creates the first admin account; null once an admin exists. */
  setupLink: string | null;
  /** Where verification and reset messages go, in words (no credentials): the SMTP server or the outbox folder. */
  mailDestination: string;
  close(): Promise<void>;
}

export async function createTessera(options: TesseraOptions = {}): Promise<Tessera> {
  const env = options.env ?? process.env;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? cryptoRandom;
  const local = await openLocal(options.overrides, env, { server: true, clock });
  const { store, masterKey, dataKeys, secrets } = local;
  // Plaintext secrets from the file are hashed once here and not kept in memory.
  const config = { ...local.config, declared: sealSecrets(local.config.declared, secrets) };
  try {
    const endpoints = endpointsFor(config.server.base_url);
    const compile = () => compileCurrent(store.config, config.declared, secrets, clock);
    const initial = await compile();
    // No key holds up readiness: a first start makes them once it listens (issue 15: ready in under 1 s).
    const keyRing: KeyRing = await loadKeyRing(store.keys, masterKey, clock.nowSeconds(), endpoints.issuer, {
      before: [],
      deferred: true,
    });
    const follower = createConfigFollower({
      store: store.config,
      initial,
      compile,
      // Rotated keys: published on every node as soon as they are written, signing once they activate.
      reloadKeys: () => keyRing.reload(clock.nowSeconds()),
    });

    // Registered clients (RFC 7591) and further sources (client ID metadata documents) plug in here.
    const cimd = config.server.client_id_metadata_documents;
    const clients = createClientResolver({
      config: follower.live,
      registered: store.registration,
      clock,
      sources: cimd.enabled
        ? [
            metadataDocumentSource({
              policy: cimd,
              outbound: outboundSettings(config.server.outbound, config.server.base_url),
              config: follower.live,
              clock,
            }),
          ]
        : [],
    });
    const protocol: ProtocolDeps = {
      config: follower.live,
      clients,
      issuer: endpoints.issuer,
      endpoints,
      clock,
      random,
      secrets,
      signJwt: createJwtSigner(keyRing, clock),
      verifyIdTokenHint: createIdTokenHintVerifier(keyRing, endpoints.issuer, clock),
      accounts: store.accounts,
      // The one session read of authorize; lastSeen is written at most once a minute (authn/sessions.ts).
      findSession: async (token) => {
        const session = await findSession(token, { sessions: store.sessions, clock });
        if (session) await touchSession(session, { sessions: store.sessions, clock });
        return session;
      },
      grants: store.grants,
      consents: store.consents,
      replay: store.replay,
      pushedRequests: store.pushedRequests,
      deviceCodes: store.deviceCodes,
      clientKeys: createClientKeys({
        outbound: outboundSettings(config.server.outbound, config.server.base_url),
        clock,
      }),
      // RFC 8693: a cache of its own for trusted issuers' keys, behind the same SSRF guard.
      trustedIssuerKeys: createClientKeys({
        outbound: outboundSettings(config.server.outbound, config.server.base_url),
        clock,
      }),
      unsealSecret: (sealed) => unsealSecret(dataKeys['secret-sealing'], sealed),
      server: {
        requirePar: config.server.require_pushed_authorization_requests,
        parLifetime: config.server.pushed_request_lifetime,
        dpopNonceRequired: config.server.dpop_nonce_required,
        deviceCodeLifetime: config.server.device_code_lifetime,
        devicePollInterval: config.server.device_poll_interval,
        clientIdMetadataDocuments: cimd.enabled,
      },
      nonceKey: dataKeys['dpop-nonce'],
      codeLifetime: config.server.authorization_code_lifetime,
      // Each authenticator type serves its login page under its own name (authn/authenticators/).
      loginUrl: (authenticator, returnTo, loginHint, prompt) =>
        `${endpoints.base}/authn/authenticate/${follower.live().authenticators.get(authenticator)?.type ?? 'html-form'}/${encodeURIComponent(authenticator)}?${new URLSearchParams(
          {
            return_to: returnTo,
            ...(loginHint === undefined ? {} : { login_hint: loginHint }),
            ...(prompt === undefined ? {} : { prompt }),
          },
        )}`,
      continueUrl: (policy, returnTo, options) =>
        `${endpoints.base}/authn/continue?${new URLSearchParams({
          policy,
          return_to: returnTo,
          ...(options.fresh ? { fresh: '1' } : {}),
          ...(options.loginHint === undefined ? {} : { login_hint: options.loginHint }),
          ...(options.prompt === undefined ? {} : { prompt: options.prompt }),
        })}`,
      consentUrl: (returnTo) =>
        `${endpoints.base}/authn/consent?${new URLSearchParams({ return_to: returnTo })}`,
    };
    // The recorder logs a failed write to the server's logger, which exists once the app below is built.
    let appLog: FastifyInstance['log'] | undefined;
    const audit = createAuditRecorder({
      store: store.audit,
      clock,
      log: () => appLog ?? { error: () => {} },
    });
    protocol.audit = audit;
    // Verification and reset links: SMTP when server.email.smtp_url is set, else the data folder's outbox.
    const mail = createMailService({
      email: config.server.email,
      baseUrl: config.server.base_url,
      dataDir: config.server.data_dir,
      log: () => appLog ?? { info: () => {}, warn: () => {} },
    });
    const metrics = createMetrics(store.maintenance.poolStats?.bind(store.maintenance));
    // Login through other OpenID Providers: discovery, JWKS, token and UserInfo behind the same SSRF guard.
    const upstreamOutbound = outboundSettings(config.server.outbound, config.server.base_url);
    const authn: AuthnDeps = {
      config: follower.live,
      clients,
      clock,
      random,
      accounts: store.accounts,
      sessions: store.sessions,
      consents: store.consents,
      grants: store.grants,
      throttle: store.throttle,
      sessionLifetime: config.server.session_lifetime,
      countLogin: (result) => metrics.logins.inc({ result }),
      audit,
      totp: store.totp,
      secretBox: authnSecretBox(dataKeys['secret-sealing']),
      passkeys: store.passkeys,
      relyingParty: relyingPartyFor(endpoints.base),
      upstream: store.upstream,
      upstreamProviders: createUpstreamProviders({
        fetch: (url, init) => guardedFetch(url, init, upstreamOutbound),
        clock,
        allowLoopback: upstreamOutbound.allowLoopback,
      }),
      mail,
      emailTokens: store.emailTokens,
      ...emailLinks(secrets, endpoints.base),
    };
    const tls = config.server.tls;
    const admin: AdminDeps = {
      config: store.config,
      admin: store.admin,
      impact: store.impact,
      secrets,
      sealSecret: (secret) => sealSecret(dataKeys['secret-sealing'], secret),
      authnSecrets: authn.secretBox,
      outbound: outboundSettings(config.server.outbound, config.server.base_url),
      clock,
      random,
      // A commit made here is live here at once; other nodes pick it up with their poller.
      onCommit: follower.refresh,
      setupKey: dataKeys['admin-setup'],
      declared: config.declared,
      audit,
      auditEvents: store.audit,
      accounts: store.accounts,
      // End users: search, sessions, factors, linked sign-ins, reset and verification links (admin/users.ts).
      users: usersAdmin(authn),
      registration: registrationAdmin({
        store: store.registration,
        grants: store.grants,
        secrets,
        clock,
        random,
        audit,
        forget: clients.forget,
      }),
    };
    const setup = await setupToken(store.admin.users, admin.setupKey, random);
    const app = await buildApp(
      {
        protocol,
        authn,
        endpoints,
        jwks: keyRing.jwks,
        keysSettled: () => keyRing.settled(),
        cookieSecret: dataKeys['cookie-signing'].toString('base64url'),
        secureCookies: endpoints.base.startsWith('https:'),
        sessionLifetime: config.server.session_lifetime,
        readiness: {
          store: () => store.maintenance.readiness(),
          // Keys being made count: a signature asked for meanwhile waits for its key rather than failing.
          keysLoaded: () => keyRing.jwks().keys.length > 0 || keyRing.making(),
          revision: () => follower.live().revision,
        },
        metrics,
        throttle: store.throttle,
        admin,
        keys: keyAdmin(store.keys, masterKey),
        clientIdMetadataDocuments: cimd.enabled ? cimd : undefined,
        // The committed policy decides per request whether the endpoints answer (docs/registration.md).
        registration: {
          policy: () => registrationPolicy(follower.live().snapshot),
          store: store.registration,
          grants: store.grants,
          clients,
          config: follower.live,
          secrets,
          clock,
          random,
          throttle: store.throttle,
          endpoint: endpoints.base + PATHS.registration,
          audit,
        },
      },
      {
        logger: options.logger ?? false,
        ...(tls ? { https: { key: readFileSync(tls.key), cert: readFileSync(tls.cert) } } : {}),
      },
    );

    // The keys a first start lacks are made as the server becomes ready, not before: readiness waits for none.
    app.addHook('onReady', async () => {
      keyRing.settled().catch((error: unknown) => app.log.warn({ err: error }, 'signing keys not made yet'));
    });
    appLog = app.log;
    await follower.start(app.log);
    const stopCleanup = startCleanup({
      maintenance: store.maintenance,
      holder: random.uuid(),
      clock,
      log: app.log,
      audit: { store: store.audit, retentionDays: config.server.audit.retention_days },
      registered: {
        store: store.registration,
        unusedLifetime: () => registrationPolicy(follower.live().snapshot).unused_lifetime,
        forget: clients.forget,
      },
    });

    return {
      app,
      store,
      config,
      endpoints,
      masterKey,
      live: follower.live,
      refresh: follower.refresh,
      setupLink: setup === null ? null : `${endpoints.base}/admin/setup?token=${setup}`,
      mailDestination:
        mail.destination.kind === 'smtp'
          ? mail.destination.server
          : `no SMTP server yet (server.email.smtp_url): written to ${mail.destination.folder} and the log`,
      async close() {
        stopCleanup();
        await follower.stop();
        await app.close();
        await mail.close();
        // A first start's background keys are written before the store closes, whatever became of them.
        if (keyRing.making()) await keyRing.settled().catch(() => undefined);
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
