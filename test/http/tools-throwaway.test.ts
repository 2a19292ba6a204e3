// The flow explorer's throwaway client: committed for one run in a revision of its own, used with its kept secret, removed when the run ends.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FixedClock } from '../../src/shared/clock.ts';
import { ADMIN_PASSWORD, addAdmin } from '../fixtures/admin.ts';
import { signUp } from '../fixtures/oidc.ts';
import { freePort, startServer, type TestServer } from '../fixtures/server.ts';
import { type Response, UserAgent, unescapeHtml } from '../fixtures/user-agent.ts';

const clock = new FixedClock(Math.floor(Date.now() / 1000));
let server: TestServer;
before(async () => {
  server = await startServer({ port: await freePort(), clock });
  await addAdmin(server);
});
after(() => server.close());

async function loggedIn(agent = new UserAgent()): Promise<UserAgent> {
  const form = await agent.follow(`${server.url}/admin/login`);
  const done = await agent.submit(form, { username: 'alice', password: ADMIN_PASSWORD });
  assert.match(done.body, /<h1>Profiles<\/h1>/);
  return agent;
}

const formOf = (page: Response, action: string): Response => {
  const form = new RegExp(`<form[^>]*action="[^"]*/tools/${action}"[^>]*>[\\s\\S]*?</form>`).exec(page.body);
  assert.ok(form, `the ${action} form`);
  return { ...page, body: form[0] };
};

async function throwawayRun(
  agent: UserAgent,
  scope = 'openid',
  extra: Record<string, string> = {},
): Promise<Response> {
  const page = await agent.request(`${server.url}/admin/tools`);
  return agent.submit(formOf(page, 'run'), { client_choice: 'throwaway', scope, pkce: 'S256', ...extra });
}

const revisions = () => server.tessera.store.config.list(50);
const liveClients = () => [...server.tessera.live().clients.keys()];
const explorerClientOf = (page: Response) =>
  /throwaway client <code>(explorer-[0-9a-f]{8})<\/code>/.exec(page.body)?.[1];

describe('the throwaway test client', () => {
  test('a run creates and commits the client, exchanges the code with its kept secret, and Finish removes it in a removal commit', async () => {
    const agent = await signUp(server, 'throwaway-user');
    await loggedIn(agent);
    const callback = await throwawayRun(agent);
    assert.equal(
      callback.status,
      200,
      unescapeHtml(callback.body)
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .slice(800, 3000),
    );
    const clientId = explorerClientOf(callback);
    assert.ok(clientId, 'the page names the throwaway client');
    assert.ok(liveClients().includes(clientId), 'the client is live');
    const created = (await revisions()).find((r) => r.message.includes(clientId));
    assert.equal(created?.message, `flow explorer: throwaway client ${clientId} for alice`);
    assert.equal(created?.author, 'alice');
    const client = server.tessera.live().snapshot.clients.find((c) => c.client_id === clientId);
    assert.equal(client?.token_endpoint_auth_method, 'client_secret_basic');
    assert.equal(client?.require_pkce, true);
    assert.deepEqual(client?.redirect_uris, [`${server.url}/admin/tools/callback`]);

    assert.ok(!callback.body.includes(`<option value="${clientId}"`), 'nor offered to other runs');
    const exchangeForm = formOf(callback, 'exchange');
    assert.ok(!exchangeForm.body.includes('client_secret'), 'the secret is not asked for');
    const exchanged = await agent.submit(exchangeForm, {});
    const text = unescapeHtml(exchanged.body);
    assert.match(text, /Token request \(authorization_code\): 200/);
    assert.match(text, /Authorization: Basic/);
    assert.match(text, /<code>signature<\/code><\/td><td>ok/);

    const finished = await agent.submit(formOf(exchanged, 'finish'), {});
    assert.equal(finished.status, 200);
    assert.match(
      finished.body,
      new RegExp(`throwaway client <code>${clientId}</code> was removed in revision`),
    );
    assert.ok(!liveClients().includes(clientId), 'the client is gone');
    const [latest] = await revisions();
    assert.equal(
      latest?.message,
      `flow explorer: remove throwaway client ${clientId} of alice (its run was finished)`,
    );
    assert.ok(!/tools\/finish/.test(finished.body), 'nothing left to finish');
  });

  test("the admin's own draft is never committed with it, and stays current", async () => {
    const agent = await signUp(server, 'draft-user');
    await loggedIn(agent);
    const scopes = await agent.request(`${server.url}/admin/scopes`);
    const form = /<form[^>]*action="[^"]*\/admin\/scopes"[^>]*>[\s\S]*?<\/form>/.exec(scopes.body);
    assert.ok(form, 'the new-scope form');
    await agent.submit({ ...scopes, body: form[0] }, { name: 'drafted', description: 'in the draft' });
    const callback = await throwawayRun(agent);
    const clientId = explorerClientOf(callback);
    assert.ok(clientId, callback.body.slice(0, 500));
    assert.ok(!server.tessera.live().scopes.has('drafted'), "the draft's scope was not committed");
    const draft = await server.tessera.store.admin.drafts.get('admin:alice');
    assert.ok(
      draft?.snapshot.scopes.some((s) => s.name === 'drafted'),
      'the edit is still in the draft',
    );
    assert.equal(
      draft?.base,
      await server.tessera.store.config.currentId(),
      'and the draft is on the live revision',
    );
    await agent.submit(formOf(callback, 'finish'), {});
    const after = await server.tessera.store.admin.drafts.get('admin:alice');
    assert.ok(after?.snapshot.scopes.some((s) => s.name === 'drafted'));
    assert.ok(!after?.snapshot.clients.some((c) => c.client_id === clientId), 'nor does it keep the client');
    await server.tessera.store.admin.drafts.delete('admin:alice');
  });

  test('a scope the server does not define is refused with the reason, and nothing is committed', async () => {
    const agent = await loggedIn();
    const before = (await revisions()).length;
    const page = await throwawayRun(agent, 'openid payments');
    assert.equal(page.status, 400);
    assert.match(unescapeHtml(page.body), /The throwaway client could not be created: .*payments/);
    assert.equal((await revisions()).length, before);
    assert.ok(!liveClients().some((c) => c.startsWith('explorer-')));
  });

  test('a run left half-way has its client removed when it expires, an hour later', async () => {
    const agent = await signUp(server, 'expiry-user');
    await loggedIn(agent);
    const clientId = explorerClientOf(await throwawayRun(agent));
    assert.ok(clientId);
    clock.advance(60 * 60 + 1);
    // Starting another run sweeps the expired ones (a timer does it too, every minute).
    await throwawayRun(await loggedIn());
    for (let i = 0; i < 50 && liveClients().includes(clientId); i++)
      await new Promise((r) => setTimeout(r, 20));
    assert.ok(!liveClients().includes(clientId), 'the expired run took its client with it');
    const removal = (await revisions()).find((r) =>
      r.message.includes(`remove throwaway client ${clientId}`),
    );
    assert.match(removal?.message ?? '', /\(its run expired\)$/);
  });

  test('with PAR, the request is pushed with the kept secret, the browser carries only client_id and request_uri, and the code is exchanged', async () => {
    const agent = await signUp(server, 'par-user');
    await loggedIn(agent);
    const callback = await throwawayRun(agent, 'openid', { par: '1' });
    assert.equal(callback.status, 200, unescapeHtml(callback.body).slice(0, 1500));
    const text = unescapeHtml(callback.body);
    assert.match(text, /The request pushed first \(PAR\): 201/);
    assert.match(text, /POST \/oauth\/v2\/oauth-par\nContent-Type[^\n]*\nAuthorization: Basic/);
    assert.match(text, /<code>pushed<\/code><\/td><td>passed/, 'the push has its checks');
    const sent = /<pre>([^<]*oauth-authorize\?[^<]*)<\/pre>/.exec(text)?.[1];
    assert.ok(sent, 'the request as sent is shown');
    const query = new URL(sent, server.url).searchParams;
    assert.deepEqual([...query.keys()].sort(), ['client_id', 'request_uri']);
    assert.match(query.get('request_uri') ?? '', /^urn:ietf:params:oauth:request_uri:/);
    assert.match(
      text,
      /<code>request_uri<\/code><\/td><td>passed/,
      'the authorize request took the pushed one',
    );
    const exchanged = await agent.submit(formOf(callback, 'exchange'), {});
    assert.match(unescapeHtml(exchanged.body), /Token request \(authorization_code\): 200/);
    await agent.submit(formOf(exchanged, 'finish'), {});
  });
});
