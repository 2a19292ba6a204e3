// The Authentication Service's dependencies over the local store, built as main.ts builds the server's, for CLI
// commands that run its use cases (`tessera user send-reset`): the same live config, link hashes and mail sender.
import { sealSecrets } from '../admin/seal-secrets.ts';
import { createAuditRecorder } from '../authn/audit.ts';
import { createUpstreamProviders } from '../authn/authenticators/oidc/providers.ts';
import type { AuthnDeps } from '../authn/deps.ts';
import { relyingPartyFor } from '../authn/passkey/relying-party.ts';
import { endpointsFor } from '../config/endpoints.ts';
import type { Overrides } from '../config/load.ts';
import { guardedFetch, outboundSettings } from '../keys/outbound.ts';
import { authnSecretBox } from '../keys/sealed-authn.ts';
import { createClientResolver } from '../protocol/clients/resolver.ts';
import { systemClock } from '../shared/clock.ts';
import { cryptoRandom } from '../shared/random.ts';
import type { Store } from '../store/ports/index.ts';
import { compileCurrent } from './config-follower.ts';
import { emailLinks } from './email-links.ts';
import { createMailService } from './mail/sender.ts';
import { openLocal } from './open.ts';

/** Where a command's notes go (stderr): what the server would log, never a link. */
export interface LocalLog {
  warn(message: string): void;
}

/** The mail sender's lines as a command prints them: why a message failed, where the outbox put one. */
const mailLog = (log: LocalLog) => ({
  info: (fields: Record<string, unknown>, message: string) => {
    if (fields['event'] === 'mail_outbox') log.warn(`${message}: ${String(fields['file'])}`);
  },
  warn: (fields: Record<string, unknown>, message: string) =>
    log.warn(typeof fields['reason'] === 'string' ? `${message}: ${fields['reason']}` : message),
});

export interface LocalAuthn {
  authn: AuthnDeps;
  store: Store;
  /** Where messages go, in words without credentials: the SMTP server or the outbox folder. */
  mailDestination: string;
  /** Waits for queued messages, then closes the mail pool and the store. */
  close(): Promise<void>;
}

export async function openLocalAuthn(
  overrides: Overrides,
  log: LocalLog,
  env: NodeJS.ProcessEnv = process.env,
): Promise<LocalAuthn> {
  const clock = systemClock;
  const { store, config: loaded, secrets, dataKeys } = await openLocal(overrides, env);
  try {
    const declared = sealSecrets(loaded.declared, secrets);
    const live = await compileCurrent(store.config, declared, secrets, clock);
    const endpoints = endpointsFor(loaded.server.base_url);
    const outbound = outboundSettings(loaded.server.outbound, loaded.server.base_url);
    const mail = createMailService({
      email: loaded.server.email,
      baseUrl: loaded.server.base_url,
      dataDir: loaded.server.data_dir,
      log: () => mailLog(log),
    });
    const audit = createAuditRecorder({
      store: store.audit,
      clock,
      log: () => ({ error: (_details, message) => log.warn(message) }),
    });
    const config = () => live;
    const authn: AuthnDeps = {
      config,
      clients: createClientResolver({ config, registered: store.registration, clock }),
      clock,
      random: cryptoRandom,
      accounts: store.accounts,
      sessions: store.sessions,
      consents: store.consents,
      grants: store.grants,
      throttle: store.throttle,
      sessionLifetime: loaded.server.session_lifetime,
      countLogin: () => {},
      audit,
      totp: store.totp,
      secretBox: authnSecretBox(dataKeys['secret-sealing']),
      passkeys: store.passkeys,
      relyingParty: relyingPartyFor(endpoints.base),
      upstream: store.upstream,
      upstreamProviders: createUpstreamProviders({
        fetch: (url, init) => guardedFetch(url, init, outbound),
        clock,
        allowLoopback: outbound.allowLoopback,
      }),
      mail,
      emailTokens: store.emailTokens,
      ...emailLinks(secrets, endpoints.base),
    };
    const destination = mail.destination;
    return {
      authn,
      store,
      mailDestination: destination.kind === 'smtp' ? destination.server : destination.folder,
      async close() {
        await mail.close();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
