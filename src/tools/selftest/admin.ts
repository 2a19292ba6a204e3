// The selftest's throwaway client, made live and removed again through the admin REST API (docs/admin.md), one commit each.

export interface AdminApi {
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
}

export interface ThrowawayClient {
  client_id: string;
  secret: string;
  redirect_uri: string;
  post_logout_redirect_uri: string;
}

export class SelftestSetupError extends Error {}

export function adminApi(baseUrl: string, token: string): AdminApi {
  return {
    async call(method, path, body) {
      const res = await fetch(`${baseUrl}/admin/api${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {}
      return { status: res.status, body: parsed };
    },
  };
}

const describe = (r: { status: number; body: unknown }) => {
  const b = r.body as { error?: string; error_description?: string } | undefined;
  return `${r.status}${b?.error ? ` ${b.error}` : ''}${b?.error_description ? `: ${b.error_description}` : ''}`;
};

/** Commits the token's draft; on a conflict (another commit landed) rebases once and tries again. */
async function commit(api: AdminApi, message: string): Promise<void> {
  let res = await api.call('POST', '/changes/commit', { message });
  if (res.status === 409 && (res.body as { error?: string })?.error === 'conflict') {
    await api.call('POST', '/changes/rebase');
    res = await api.call('POST', '/changes/commit', { message });
  }
  if (res.status !== 200 && res.status !== 201)
    throw new SelftestSetupError(`commit "${message}": ${describe(res)}`);
}

/**
 * The API token's own draft must be empty: the selftest commits its draft, and must never commit
 * edits someone left in it (docs/admin.md "Drafts").
 */
export async function assertEmptyDraft(api: AdminApi): Promise<void> {
  const res = await api.call('GET', '/changes');
  if (res.status === 401)
    throw new SelftestSetupError('the admin API refused the token (401): pass a valid --token');
  if (res.status !== 200) throw new SelftestSetupError(`GET /admin/api/changes: ${describe(res)}`);
  const changes = (res.body as { changes?: unknown[] }).changes ?? [];
  if (changes.length > 0) {
    throw new SelftestSetupError(
      `this API token's draft holds ${changes.length} uncommitted change(s); commit or discard them first (DELETE /admin/api/changes)`,
    );
  }
}

/** Creates a confidential client with refresh-token rotation and commits it, so the live server serves it. */
export async function createClient(api: AdminApi, suffix: string): Promise<ThrowawayClient> {
  const client_id = `tessera-selftest-${suffix}`;
  const redirect_uri = 'https://selftest.invalid/callback';
  const post_logout_redirect_uri = 'https://selftest.invalid/logged-out';
  const res = await api.call('POST', '/clients', {
    client_id,
    name: 'tessera selftest (throwaway)',
    redirect_uris: [redirect_uri],
    post_logout_redirect_uris: [post_logout_redirect_uri],
    token_endpoint_auth_method: 'client_secret_basic',
    scopes: ['openid', 'profile'],
    require_pkce: true,
    refresh_token: { enabled: true, rotation: true, reuse_grace: 0 },
  });
  const secret = (res.body as { client_secret?: string } | undefined)?.client_secret;
  if (res.status !== 201 || secret === undefined) {
    throw new SelftestSetupError(`creating the throwaway client: ${describe(res)}`);
  }
  try {
    await commit(api, `selftest: add throwaway client ${client_id}`);
  } catch (error) {
    await api.call('DELETE', '/changes');
    throw error;
  }
  return { client_id, secret, redirect_uri, post_logout_redirect_uri };
}

/** Deletes the client and commits the removal; an error here is reported, never swallowed. */
export async function removeClient(api: AdminApi, clientId: string): Promise<void> {
  const res = await api.call('DELETE', `/clients/${encodeURIComponent(clientId)}`);
  if (res.status !== 204) {
    await api.call('DELETE', '/changes');
    throw new SelftestSetupError(`removing the throwaway client ${clientId}: ${describe(res)}`);
  }
  await commit(api, `selftest: remove throwaway client ${clientId}`);
}
