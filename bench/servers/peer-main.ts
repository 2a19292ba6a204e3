// The peer under test, run as its own process: oidc-provider 9 configured like Tessera, with a minimal login.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { hash, verify } from '@node-rs/argon2';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { redisAdapter } from './peer-redis.ts';
import {
  ACCESS_TOKEN_TTL,
  BENCH_CLIENT,
  BENCH_MACHINE_CLIENT,
  BENCH_USER,
  CODE_TTL,
  ID_TOKEN_TTL,
  REFRESH_TOKEN_TTL,
  SESSION_TTL,
} from './target.ts';

const port = Number(process.env['PEER_PORT']);
/** Set: the peer keeps its models in Redis through the documented adapter; unset: its in-memory default. */
const redisUrl = process.env['PEER_REDIS_URL'];
const issuer = `http://127.0.0.1:${port}`;

/** The same argon2id parameters as Tessera's src/authn/passwords.ts (Algorithm.Argon2id = 2). */
const ARGON2ID = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
const passwordHash = await hash(BENCH_USER.password, ARGON2ID);

const claimsOf = (id: string) => ({
  sub: id,
  preferred_username: BENCH_USER.username,
  name: BENCH_USER.name,
  email: BENCH_USER.email,
  email_verified: false,
});

const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });

/** Skips consent the way oidc-provider's skip_consent recipe does: an existing grant, or a new one. */
async function loadExistingGrant(ctx: KoaContextWithOIDC) {
  const clientId = ctx.oidc.client!.clientId;
  const grantId = ctx.oidc.result?.['consent']?.grantId ?? ctx.oidc.session!.grantIdFor(clientId);
  if (grantId) {
    const existing = await ctx.oidc.provider.Grant.find(grantId);
    if (existing) return existing;
  }
  const grant = new ctx.oidc.provider.Grant({ clientId, accountId: ctx.oidc.session!.accountId! });
  grant.addOIDCScope(BENCH_CLIENT.scope);
  await grant.save();
  return grant;
}

const configuration: Configuration = {
  ...(redisUrl ? { adapter: redisAdapter(redisUrl, `bench-${randomBytes(6).toString('hex')}:`) } : {}),
  clients: [
    {
      client_id: BENCH_CLIENT.client_id,
      client_secret: BENCH_CLIENT.secret,
      redirect_uris: [BENCH_CLIENT.redirect_uri],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'RS256',
    },
    {
      client_id: BENCH_MACHINE_CLIENT.client_id,
      client_secret: BENCH_MACHINE_CLIENT.secret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: BENCH_MACHINE_CLIENT.scope,
    },
  ],
  jwks: { keys: [{ ...signingKey, kid: 'bench-rs256', alg: 'RS256', use: 'sig' }] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  claims: {
    openid: ['sub'],
    profile: ['name', 'preferred_username'],
    email: ['email', 'email_verified'],
  },
  scopes: ['openid', 'profile', 'email', 'offline_access', BENCH_MACHINE_CLIENT.scope],
  features: {
    devInteractions: { enabled: false },
    userinfo: { enabled: true },
    // Tessera lets any authenticated confidential client introspect any token, and no public client at all.
    introspection: { enabled: true, allowedPolicy: (_ctx, client) => client.clientAuthMethod !== 'none' },
    // Without resource indicators both issue client-credentials tokens opaque (oidc-provider's default format).
    clientCredentials: { enabled: true },
    // RFC 9449, on by default in oidc-provider 9; Tessera accepts a proof without a server nonce too.
    dPoP: { enabled: true },
  },
  ttl: {
    AccessToken: ACCESS_TOKEN_TTL,
    ClientCredentials: ACCESS_TOKEN_TTL,
    AuthorizationCode: CODE_TTL,
    IdToken: ID_TOKEN_TTL,
    RefreshToken: REFRESH_TOKEN_TTL,
    Interaction: 3600,
    Session: SESSION_TTL,
    Grant: SESSION_TTL,
  },
  // Tessera issues a refresh token with every code and does not rotate it; the peer is told the same.
  issueRefreshToken: () => true,
  rotateRefreshToken: false,
  findAccount: (_ctx, id) =>
    id === BENCH_USER.username ? { accountId: id, claims: () => claimsOf(id) } : undefined,
  loadExistingGrant,
};

const provider = new Provider(issuer, configuration);
provider.on('server_error', (_ctx, error) => process.stderr.write(`server_error: ${error.stack}\n`));
const callback = provider.callback();

const readForm = async (req: IncomingMessage): Promise<URLSearchParams> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
};

const html = (res: ServerResponse, status: number, body: string) => {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`<!doctype html><html><head><title>Log in</title></head><body>${body}</body></html>`);
};

const loginForm = (uid: string, error = '') =>
  `<h1>Log in</h1>${error}<form method="post" action="/interaction/${uid}/login">` +
  '<input name="username"><input name="password" type="password"><button>Log in</button></form>';

/** GET /interaction/:uid shows the login form; POST /interaction/:uid/login checks the password. */
async function interaction(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'GET') {
    if (details.prompt.name === 'login') return html(res, 200, loginForm(details.uid));
    // loadExistingGrant makes consent unnecessary; reaching here means the setup is wrong.
    return html(res, 500, `<p>unexpected prompt ${details.prompt.name}</p>`);
  }
  const form = await readForm(req);
  const username = form.get('username') ?? '';
  const ok = await verify(passwordHash, form.get('password') ?? '').catch(() => false);
  if (!ok || username !== BENCH_USER.username) {
    return html(res, 401, loginForm(details.uid, '<p>Incorrect username or password.</p>'));
  }
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId: username } },
    { mergeWithLastSubmission: false },
  );
}

const server = createServer((req, res) => {
  if (req.url?.startsWith('/interaction/')) {
    interaction(req, res).catch((error: Error) => {
      process.stderr.write(`interaction failed: ${error.stack}\n`);
      if (!res.headersSent) html(res, 400, `<p>${error.name}</p>`);
      else res.end();
    });
    return;
  }
  callback(req, res);
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => process.stdout.write(`oidc-provider listening on ${issuer}\n`));

const shutdown = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
