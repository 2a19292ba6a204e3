// The storage contract every Store implementation must pass: one suite, run by each engine's test file.
import { afterEach, beforeEach, describe } from 'node:test';
import type { Store } from '../../src/store/ports/index.ts';
import { accountCases } from './cases/accounts.ts';
import { auditCases } from './cases/audit.ts';
import { authnFactorCases } from './cases/authn-factors.ts';
import { codeCases } from './cases/codes.ts';
import { configCases } from './cases/config.ts';
import { consentCases } from './cases/consents.ts';
import { deviceCodeCases } from './cases/device-codes.ts';
import { emailTokenCases } from './cases/email-tokens.ts';
import { exchangedTokenCases } from './cases/exchanged-tokens.ts';
import { impactCases } from './cases/impact.ts';
import { keyCases } from './cases/keys.ts';
import { maintenanceCases } from './cases/maintenance.ts';
import { passkeyCases } from './cases/passkeys.ts';
import { pushedRequestCases } from './cases/pushed-requests.ts';
import { raceCases, singleUseRaceCases } from './cases/races.ts';
import { registrationCases } from './cases/registration.ts';
import { replayCases } from './cases/replay.ts';
import { sessionCases } from './cases/sessions.ts';
import { throttleCases } from './cases/throttle.ts';
import { tokenCases } from './cases/tokens.ts';
import { upstreamCases } from './cases/upstream.ts';

/**
 * Registers the contract for one implementation. `open` must return a new, empty store each time it is
 * called: every case opens its own and closes it afterwards, so no case depends on another.
 */
export function storeContract(name: string, open: () => Promise<Store>): void {
  describe(`store contract: ${name}`, () => {
    let store: Store | undefined;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store?.close();
      store = undefined;
    });
    const use = (): Store => {
      if (!store) throw new Error('the contract case ran without an open store');
      return store;
    };

    describe('accounts', () => accountCases(use));
    describe('sessions', () => sessionCases(use));
    describe('session factors, amr and TOTP (migration 010)', () => authnFactorCases(use));
    describe('passkeys and their challenges (migration 014)', () => passkeyCases(use));
    describe('upstream identities and logins (migration 017)', () => upstreamCases(use));
    describe('consents', () => consentCases(use));
    describe('grants: codes', () => codeCases(use));
    describe('grants: tokens', () => tokenCases(use));
    describe('grants: exchanged tokens', () => exchangedTokenCases(use));
    describe('grants: issuing races a revocation', () => raceCases(use));
    describe('config revisions', () => configCases(use));
    describe('commit impact counts', () => impactCases(use));
    describe('signing keys', () => keyCases(use));
    describe('maintenance', () => maintenanceCases(use));
    describe('login throttle', () => throttleCases(use));
    describe('replay keys', () => replayCases(use));
    describe('pushed authorization requests', () => pushedRequestCases(use));
    describe('device authorization requests', () => deviceCodeCases(use));
    describe('email links and accounts by email (migration 016)', () => emailTokenCases(use));
    describe('single-use values under concurrency', () => singleUseRaceCases(use));
    describe('audit log', () => auditCases(use));
    describe('registered clients and initial access tokens', () => registrationCases(use));
  });
}
