// Outbound HTTP for what clients register by URL (jwks_uri): the SSRF guard, a deadline, a size cap, no redirects.
import { lookup } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { rootCertificates } from 'node:tls';

export interface OutboundSettings {
  /** Seconds for the whole fetch: resolving, connecting and reading the body. */
  timeout: number;
  /** The largest body read; a longer one is abandoned, not truncated. */
  maxBytes: number;
  allowLoopback: boolean;
  /** RFC 1918, carrier-grade NAT and unique-local addresses (link-local, cloud metadata, never). */
  allowPrivateNetworks: boolean;
  /** Extra trusted CA certificates (PEM) beside the system's, for development with self-signed servers. */
  ca?: readonly string[] | undefined;
}

/** Why a fetch failed, in words a client may read: never an address, a stack or a socket error. */
export class OutboundError extends Error {}

export interface FetchedJson {
  body: unknown;
  /** Cache-Control max-age in seconds (0 for no-store or no-cache); undefined when the response names none. */
  maxAge: number | undefined;
  /** Seconds until the Expires header's time (by the response's Date); undefined when it names none. */
  expiresIn?: number | undefined;
}

const LOOPBACK_NAMES = /^(localhost|.+\.localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** The server section's settings; allow_loopback defaults to whether the server itself runs on loopback. */
export function outboundSettings(
  outbound: {
    timeout: number;
    max_bytes: number;
    allow_loopback?: boolean | undefined;
    allow_private_networks: boolean;
    ca_files?: readonly string[] | undefined;
  },
  baseUrl: string,
): OutboundSettings {
  const ca = (outbound.ca_files ?? []).map((file) => readFileSync(file, 'utf8'));
  return {
    ...(ca.length > 0 ? { ca } : {}),
    timeout: outbound.timeout,
    maxBytes: outbound.max_bytes,
    allowLoopback: outbound.allow_loopback ?? LOOPBACK_NAMES.test(new URL(baseUrl).hostname),
    allowPrivateNetworks: outbound.allow_private_networks,
  };
}

function blockList(v4: [string, number][], v6: [string, number][]): BlockList {
  const list = new BlockList();
  for (const [net, prefix] of v4) list.addSubnet(net, prefix, 'ipv4');
  for (const [net, prefix] of v6) list.addSubnet(net, prefix, 'ipv6');
  return list;
}

// BlockList matches IPv4-mapped IPv6 addresses (::ffff:10.0.0.1) against the IPv4 subnets too.
// Link-local holds the cloud metadata services (169.254.169.254): no JWK Set is ever served there.
const NEVER = blockList(
  [
    ['0.0.0.0', 8],
    ['169.254.0.0', 16],
    ['224.0.0.0', 4],
    ['240.0.0.0', 4],
  ],
  [
    ['::', 128],
    ['fe80::', 10],
    ['ff00::', 8],
  ],
);
const LOOPBACK = blockList([['127.0.0.0', 8]], [['::1', 128]]);
const PRIVATE = blockList(
  [
    ['10.0.0.0', 8],
    ['172.16.0.0', 12],
    ['192.168.0.0', 16],
    ['100.64.0.0', 10],
    ['192.0.0.0', 24],
    ['198.18.0.0', 15],
  ],
  [['fc00::', 7]],
);

/** Why this address may not be fetched from, or undefined when it may. */
function refusal(address: string, family: number, settings: OutboundSettings): string | undefined {
  const type = family === 6 ? 'ipv6' : 'ipv4';
  if (NEVER.check(address, type))
    return 'it resolves to an unspecified, link-local, multicast or reserved address';
  if (LOOPBACK.check(address, type) && !settings.allowLoopback) return 'it resolves to a loopback address';
  if (PRIVATE.check(address, type) && !settings.allowPrivateNetworks) {
    return 'it resolves to a private address';
  }
  return undefined;
}

/** Resolves the host once and checks every address; the connection goes to the one checked (no rebinding). */
async function resolveChecked(
  host: string,
  settings: OutboundSettings,
): Promise<{ address: string; family: number }> {
  const literal = isIP(host);
  let addresses: { address: string; family: number }[];
  try {
    addresses = literal
      ? [{ address: host, family: literal }]
      : await lookup(host, { all: true, verbatim: true });
  } catch {
    throw new OutboundError('its host name does not resolve');
  }
  if (addresses.length === 0) throw new OutboundError('its host name does not resolve');
  for (const { address, family } of addresses) {
    const why = refusal(address, family, settings);
    if (why) throw new OutboundError(why);
  }
  return addresses[0]!;
}

function pinned(address: string, family: number): LookupFunction {
  return ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  }) as unknown as LookupFunction;
}

/** RFC 9111 §5.3: seconds from the response's Date to its Expires (0 for an invalid or past one). */
export function expiresIn(expires: string | undefined, date: string | undefined): number | undefined {
  if (!expires) return undefined;
  const at = Date.parse(expires);
  if (!Number.isFinite(at)) return 0;
  const now = date && Number.isFinite(Date.parse(date)) ? Date.parse(date) : Date.now();
  return Math.max(0, Math.floor((at - now) / 1000));
}

/** 0 for no-store or no-cache, else max-age (s-maxage is for shared caches, which we are not). */
export function cacheMaxAge(header: string | undefined): number | undefined {
  if (!header) return undefined;
  const directives = header
    .toLowerCase()
    .split(',')
    .map((d) => d.trim());
  if (directives.some((d) => d === 'no-store' || d === 'no-cache')) return 0;
  const maxAge = directives.find((d) => d.startsWith('max-age='));
  const seconds =
    maxAge === undefined ? Number.NaN : Number(maxAge.slice('max-age='.length).replace(/^"|"$/g, ''));
  return Number.isFinite(seconds) && seconds >= 0 ? Math.floor(seconds) : undefined;
}

/** What came back: status, headers and the whole body (never more than the cap). */
interface Exchanged {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

interface Outgoing {
  method: string;
  headers: Record<string, string>;
  body?: Buffer | undefined;
  /** A refusal of the status before the body is read (fetchJson: anything but 200); undefined reads on. */
  refuseStatus?: (status: number) => string | undefined;
}

/** One request to the checked address: no redirect followed, the body capped, every failure in plain words. */
function exchange(
  url: URL,
  out: Outgoing,
  settings: OutboundSettings,
  signal: AbortSignal,
): Promise<Exchanged> {
  return new Promise((resolve, reject) => {
    const fail = (message: string) => reject(new OutboundError(message));
    const host = url.hostname.replace(/^\[|\]$/g, '');
    resolveChecked(host, settings).then(({ address, family }) => {
      if (signal.aborted) return fail(`no answer within ${settings.timeout} seconds`);
      const request = (url.protocol === 'https:' ? https : http).request(url, {
        method: out.method,
        headers: { 'user-agent': 'Tessera', ...out.headers },
        lookup: pinned(address, family),
        ...(settings.ca ? { ca: [...rootCertificates, ...settings.ca] } : {}),
        // A fresh connection each time: a pooled socket might lead somewhere this check did not approve.
        agent: false,
        signal,
      });
      request.on('error', () =>
        fail(signal.aborted ? `no answer within ${settings.timeout} seconds` : 'the connection failed'),
      );
      request.on('response', (response) => {
        response.on('error', () => fail('the response was cut short'));
        const status = response.statusCode ?? 0;
        const stop = (message: string) => {
          fail(message);
          request.destroy();
        };
        const refused = out.refuseStatus?.(status);
        if (refused !== undefined) return stop(refused);
        if (Number(response.headers['content-length'] ?? 0) > settings.maxBytes) {
          return stop(`its response is larger than ${settings.maxBytes} bytes`);
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > settings.maxBytes) stop(`its response is larger than ${settings.maxBytes} bytes`);
          else chunks.push(chunk);
        });
        response.on('end', () => {
          if (size > settings.maxBytes) return;
          resolve({ status, headers: response.headers, body: Buffer.concat(chunks) });
        });
      });
      request.end(out.body);
    }, reject);
  });
}

/** The URL, if the guard lets it be fetched at all: http(s), https unless on a loopback host, no credentials. */
function checkedUrl(target: string): URL {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new OutboundError('it is not a URL');
  }
  if (url.username !== '' || url.password !== '') throw new OutboundError('it carries credentials');
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_NAMES.test(url.hostname))) {
    throw new OutboundError('it must use https (http only on a loopback host)');
  }
  return url;
}

/** Runs `work` under the settings' deadline, aborting its request when the time is up. */
async function withDeadline<T>(
  settings: OutboundSettings,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new OutboundError(`no answer within ${settings.timeout} seconds`));
    }, settings.timeout * 1000);
  });
  try {
    return await Promise.race([work(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

/** GETs a JSON document under the guard; rejects with an OutboundError naming the reason. */
export async function fetchJson(target: string, settings: OutboundSettings): Promise<FetchedJson> {
  const url = checkedUrl(target);
  const got = await withDeadline(settings, (signal) =>
    exchange(
      url,
      {
        method: 'GET',
        headers: { accept: 'application/jwk-set+json, application/json' },
        refuseStatus: (status) =>
          status >= 300 && status < 400
            ? `it answered HTTP ${status}: redirects are not followed`
            : status !== 200
              ? `it answered HTTP ${status}`
              : undefined,
      },
      settings,
      signal,
    ),
  );
  let body: unknown;
  try {
    body = JSON.parse(got.body.toString('utf8'));
  } catch {
    throw new OutboundError('its response is not JSON');
  }
  return {
    body,
    maxAge: cacheMaxAge(got.headers['cache-control']),
    expiresIn: expiresIn(got.headers.expires, got.headers.date),
  };
}

/** A request as a Fetch API caller (openid-client's customFetch) makes it; a streamed body is refused. */
export interface GuardedRequest {
  method?: string | undefined;
  headers?: Record<string, string> | undefined;
  body?: unknown;
}

/** Statuses whose Response may carry no body (Fetch §2.2.3 null body status). */
const NULL_BODY = new Set([101, 204, 205, 304]);

function bodyOf(body: unknown): Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof URLSearchParams)
    return Buffer.from(body.toString(), 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (body instanceof ArrayBuffer) return Buffer.from(new Uint8Array(body));
  throw new OutboundError('its request body is of a kind that is not sent');
}

/**
 * A Fetch-shaped request under the same guard as fetchJson (https, no private addresses, the checked address
 * pinned, the deadline, the size cap): any method, any status answered as it came, a redirect never followed
 * but handed back, for the caller to refuse. Rejects with an OutboundError naming the reason.
 */
export async function guardedFetch(
  target: string,
  init: GuardedRequest,
  settings: OutboundSettings,
): Promise<Response> {
  const url = checkedUrl(target);
  const body = bodyOf(init.body);
  const got = await withDeadline(settings, (signal) =>
    exchange(
      url,
      { method: (init.method ?? 'GET').toUpperCase(), headers: init.headers ?? {}, body },
      settings,
      signal,
    ),
  );
  const headers = new Headers();
  for (const [name, value] of Object.entries(got.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  return new Response(NULL_BODY.has(got.status) ? null : got.body, { status: got.status, headers });
}
