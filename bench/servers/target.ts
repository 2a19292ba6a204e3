// What the scenarios need to know about a server under test, and the settings both servers share.
import { HttpClient } from '../http.ts';
import { type CpuTime, cpuTime, measureRss, type Rss, resetPeakRss, type ServerProcess } from './process.ts';

/** One confidential client, identical on both servers. */
export const BENCH_CLIENT = {
  client_id: 'bench',
  /** 384 random bits: Tessera refuses typed-in secrets with less than about 256. */
  secret: 'RCWFt3yv8FESx8q-yUQab0keeLrW-DFZui7f7QDRPaNZUM4X9JO5op3bud34xwuV',
  redirect_uri: 'http://127.0.0.1/cb',
  scope: 'openid profile email',
} as const;

/**
 * A machine client for the client_credentials grant (RFC 6749 §4.4), identical on both servers: Basic auth and
 * one scope of its own, for which both issue an opaque access token.
 */
export const BENCH_MACHINE_CLIENT = {
  client_id: 'bench-machine',
  secret: 'q7Ld0xZP3vNw-Ak9sUe2RbJy_Hm4TcGf8WoKi6VnXr1Q5Ez0YpMu7Sb3Dj2Ng9Lh',
  scope: 'api:read',
} as const;

/**
 * Tessera only (the peer has no passkey login): a client whose one policy is a passkey alone as first factor, and
 * one whose policy is a password then a passkey with enrolment on, through which each virtual user creates its
 * passkey. Both share the bench client's secret and redirect URI.
 */
export const BENCH_PASSKEY_CLIENT = { client_id: 'bench-passkey', policy: 'passkey' } as const;
export const BENCH_PASSKEY_ENROL_CLIENT = {
  client_id: 'bench-passkey-enrol',
  policy: 'password-then-passkey',
} as const;

/** The one user account; its password is checked with argon2id on both servers. */
export const BENCH_USER = {
  username: 'benchuser',
  password: 'correct horse battery staple',
  name: 'Bench User',
  email: 'bench@example.com',
} as const;

export const ACCESS_TOKEN_TTL = 300;
export const ID_TOKEN_TTL = 3600;
export const REFRESH_TOKEN_TTL = 86_400;
export const CODE_TTL = 60;
export const SESSION_TTL = 28_800;

/** Endpoints as the server's discovery document names them. */
export interface Endpoints {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  userinfo_endpoint: string;
  introspection_endpoint: string;
  jwks_uri: string;
  discovery: string;
}

export interface Target {
  name: string;
  origin: string;
  pid: number;
  readyMs: number;
  endpoints: Endpoints;
  /** Resident bytes now, and the peak since the process started or since the last resetPeak. */
  rss(): Rss;
  resetPeak(): void;
  /** CPU seconds the server's processes have used so far, all threads and main threads. */
  cpuTime(): CpuTime;
  stop(): Promise<void>;
}

export async function discover(http: HttpClient, discoveryUrl: string): Promise<Endpoints> {
  const res = await http.get(discoveryUrl);
  if (res.status !== 200) throw new Error(`discovery at ${discoveryUrl} answered ${res.status}`);
  const doc = JSON.parse(res.body) as Partial<Endpoints>;
  const required = [
    'issuer',
    'authorization_endpoint',
    'token_endpoint',
    'userinfo_endpoint',
    'introspection_endpoint',
    'jwks_uri',
  ];
  for (const name of required) {
    if (typeof doc[name as keyof Endpoints] !== 'string') throw new Error(`discovery lacks ${name}`);
  }
  return { ...(doc as Endpoints), discovery: discoveryUrl };
}

/**
 * The Target for a spawned server, once `prepare` (discovery, and whatever the server needs before the
 * scenarios) has run over a connection of its own; a server whose preparation fails is stopped.
 */
export async function targetOf(
  name: string,
  origin: string,
  server: ServerProcess,
  prepare: (http: HttpClient) => Promise<Endpoints>,
): Promise<Target> {
  const http = new HttpClient(origin, 1);
  try {
    return {
      name,
      origin,
      pid: server.pid,
      readyMs: server.readyMs,
      endpoints: await prepare(http),
      rss: () => measureRss(server.pid),
      resetPeak: () => resetPeakRss(server.pid),
      cpuTime: () => cpuTime(server.pid),
      stop: server.stop,
    };
  } catch (error) {
    await server.stop();
    throw error;
  } finally {
    await http.close();
  }
}
