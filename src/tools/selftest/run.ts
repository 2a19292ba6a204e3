// Runs the selftest against a live deployment: a throwaway client made live, every check, and the client removed whatever happened.
import { randomBytes } from 'node:crypto';
import { adminApi, assertEmptyDraft, createClient, removeClient, type ThrowawayClient } from './admin.ts';
import { Agent } from './agent.ts';
import type { Check, CheckResult, Context, SelftestUser } from './check.ts';
import { CHECKS } from './checks.ts';
import { authorizeUrl, callbackOf, type Discovery, pkce } from './protocol.ts';

export interface SelftestOptions {
  /** The deployment's base URL (where /admin/api is). */
  url: string;
  /** An admin API token (tsr_…). */
  token: string;
  /** A test account to log in with; without one, an account is registered (needs open registration). */
  username?: string;
  password?: string;
  checks?: readonly Check[];
  /** How long to wait for the committed client to be served (other nodes of a cluster poll for commits). */
  liveTimeoutMs?: number;
}

export interface SelftestReport {
  target: string;
  issuer: string | null;
  client_id: string | null;
  user: { username: string; registered: boolean } | null;
  passed: boolean;
  results: CheckResult[];
  /** Why the selftest could not start (token, draft, client creation), or null. */
  setup_error: string | null;
  cleanup: { removed: boolean; error: string | null };
}

interface Profiles {
  token_service: { issuer: string; endpoints: { discovery: string; authorization: string } };
}

/** Waits until the authorization endpoint knows the client: prompt=none from a fresh browser redirects to it. */
async function waitLive(authorize: string, client: ThrowawayClient, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const url = authorizeUrl({ authorization_endpoint: authorize } as Discovery, {
    response_type: 'code',
    client_id: client.client_id,
    redirect_uri: client.redirect_uri,
    scope: 'openid',
    prompt: 'none',
    code_challenge: pkce().challenge,
    code_challenge_method: 'S256',
  });
  while (Date.now() < deadline) {
    if (callbackOf(await new Agent().request(url), client.redirect_uri)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function runChecks(checks: readonly Check[], ctx: Context): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const passed = new Set<string>();
  for (const check of checks) {
    const row = { check: check.id, module: check.module, spec: check.spec };
    const missing = (check.needs ?? []).filter((id) => !passed.has(id));
    if (missing.length > 0) {
      results.push({
        ...row,
        status: 'skip',
        reason: `needs ${missing.join(', ')}, which did not pass`,
        ms: 0,
      });
      continue;
    }
    const start = performance.now();
    try {
      const reason = await check.run(ctx);
      passed.add(check.id);
      results.push({ ...row, status: 'pass', reason, ms: Math.round(performance.now() - start) });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      results.push({ ...row, status: 'fail', reason, ms: Math.round(performance.now() - start) });
    }
  }
  return results;
}

export async function runSelftest(options: SelftestOptions): Promise<SelftestReport> {
  const target = options.url.replace(/\/+$/, '');
  const api = adminApi(target, options.token);
  const suffix = randomBytes(6).toString('hex');
  const user: SelftestUser =
    options.username === undefined
      ? { username: `selftest-${suffix}`, password: randomBytes(24).toString('base64url'), register: true }
      : { username: options.username, password: options.password ?? '', register: false };
  const report: SelftestReport = {
    target,
    issuer: null,
    client_id: null,
    user: { username: user.username, registered: user.register },
    passed: false,
    results: [],
    setup_error: null,
    cleanup: { removed: false, error: null },
  };
  let client: ThrowawayClient;
  let profiles: Profiles;
  try {
    await assertEmptyDraft(api);
    const res = await api.call('GET', '/profiles');
    if (res.status !== 200) throw new Error(`GET /admin/api/profiles answered ${res.status}`);
    profiles = res.body as Profiles;
    report.issuer = profiles.token_service.issuer;
    client = await createClient(api, suffix);
    report.client_id = client.client_id;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    report.setup_error = cause ? `cannot reach ${target}: ${cause}` : (error as Error).message;
    report.user = null;
    return report;
  }
  try {
    await waitLive(profiles.token_service.endpoints.authorization, client, options.liveTimeoutMs ?? 10_000);
    const ctx: Context = {
      discoveryUrl: profiles.token_service.endpoints.discovery,
      issuer: profiles.token_service.issuer,
      client,
      user,
    };
    report.results = await runChecks(options.checks ?? CHECKS, ctx);
  } finally {
    try {
      await removeClient(api, client.client_id);
      report.cleanup.removed = true;
    } catch (error) {
      report.cleanup.error = (error as Error).message;
    }
  }
  report.passed = report.cleanup.removed && report.results.every((r) => r.status === 'pass');
  return report;
}
