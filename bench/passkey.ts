// The passkey login the bench drives on Tessera without a browser: the software authenticator of the tests
// creates one passkey per virtual user (setup), then each operation is a code flow whose only login is a
// passkey ceremony (options, assertion), checked by the ID token's amr.
import { randomBytes } from 'node:crypto';
import { SoftAuthenticator } from '../test/fixtures/soft-authenticator.ts';
import { type PageAnswer, type RelyingParty, type UserParams, unexpected } from './flows.ts';
import { CookieJar, firstForm, type HttpResponse } from './http.ts';
import { BENCH_PASSKEY_CLIENT, BENCH_PASSKEY_ENROL_CLIENT, BENCH_USER } from './servers/target.ts';
import { registerUser } from './servers/tessera.ts';

export interface PasskeyUser {
  device: SoftAuthenticator;
  /** Request parameters for the client whose policy is a passkey alone. */
  user: UserParams;
}

/** The page's passkey form (passkey-form.eta), wherever it stands on the page. */
function passkeyForm(page: HttpResponse, url: string) {
  const at = page.body.indexOf('id="passkey-form"');
  if (at < 0) throw unexpected('no passkey form', page, url);
  return firstForm({ ...page, body: page.body.slice(page.body.lastIndexOf('<form', at)) }, url);
}

/**
 * What passkey.js does in the browser: POST the options (the page's CSRF token; the challenge cookie lands in
 * the jar), let the authenticator answer them, post the answer with the page's form.
 */
const ceremony =
  (
    rp: RelyingParty,
    answer: (options: { challenge: string; user: { id: string } }) => unknown,
    extra: Record<string, string> = {},
  ): PageAnswer =>
  async (page, url, jar) => {
    const form = passkeyForm(page, url);
    const res = await rp.http.post(`${form.action}/options`, {
      jar,
      form: { _csrf: form.hidden['_csrf'] ?? '' },
      headers: { accept: 'application/json' },
    });
    if (res.status !== 200) throw unexpected('passkey options', res, url);
    const { options } = JSON.parse(res.body);
    const response = JSON.stringify(answer(options));
    return {
      url: form.action,
      response: await rp.http.post(form.action, { jar, form: { ...form.hidden, ...extra, response } }),
    };
  };

/**
 * Setup, once per virtual user: an account of its own (the registration form), then a password login through
 * the enrolment client, whose second step has the account create its passkey (the enrolment page; an account
 * that had one would be asked for it instead). The passkey is discoverable: it names its account at login.
 */
export async function enrolPasskey(rp: RelyingParty): Promise<PasskeyUser> {
  const username = `passkey-${randomBytes(6).toString('hex')}`;
  const account = { ...BENCH_USER, username, email: `${username}@example.com` };
  await registerUser(rp.http, rp.http.origin, account);
  const device = new SoftAuthenticator(rp.http.origin, new URL(rp.http.origin).hostname);
  const enrol = rp.newUser(BENCH_PASSKEY_ENROL_CLIENT.client_id);
  const code = await rp.frontChannel(enrol, new CookieJar(), [
    rp.password(account),
    ceremony(rp, (options) => device.create(options), { name: 'Bench' }),
  ]);
  await rp.redeem(code, enrol);
  return { device, user: rp.newUser(BENCH_PASSKEY_CLIENT.client_id) };
}

/**
 * One operation, with no SSO session: authorize, the passkey login page, its ceremony, back to authorize, the
 * code, the token. Counter 0 on every signature: an authenticator without a counter (WebAuthn L3 §6.1.1), so
 * overlapping operations on one credential never look like a cloned key.
 */
export async function passkeyLogin(rp: RelyingParty, { device, user }: PasskeyUser): Promise<void> {
  const code = await rp.frontChannel(user, new CookieJar(), [
    ceremony(rp, (options) => device.get(options, { counter: 0 })),
  ]);
  const tokens = await rp.redeem(code, user);
  // A device-bound passkey with user verification: amr hwk (RFC 8176), so a password or no login cannot pass.
  const claims = JSON.parse(Buffer.from(tokens.id_token.split('.')[1]!, 'base64url').toString()) as {
    amr?: unknown;
  };
  if (!Array.isArray(claims.amr) || !claims.amr.includes('hwk')) {
    throw new Error(`passkey login: the ID token's amr is ${JSON.stringify(claims.amr)}, without hwk`);
  }
}
