// The load driver's HTTP side: a keep-alive undici Pool per server, a cookie jar, and HTML form scraping.
import { Pool } from 'undici';

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The Location header, when there is one. */
  location: string | undefined;
}

/** Cookies by name; paths and domains are ignored: every jar talks to one loopback origin. */
export class CookieJar {
  readonly cookies = new Map<string, string>();

  header(): string | undefined {
    if (this.cookies.size === 0) return undefined;
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  store(setCookie: string | string[] | undefined): void {
    if (setCookie === undefined) return;
    for (const line of Array.isArray(setCookie) ? setCookie : [setCookie]) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq < 1) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => {
        const [key = '', val = ''] = a.trim().split('=');
        if (key.toLowerCase() === 'max-age') return Number(val) <= 0;
        if (key.toLowerCase() === 'expires') return Date.parse(val) <= Date.now();
        return false;
      });
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

export interface RequestOptions {
  jar?: CookieJar;
  form?: Record<string, string>;
  headers?: Record<string, string>;
}

export class HttpClient {
  readonly origin: string;
  private readonly pool: Pool;

  constructor(origin: string, connections: number) {
    const url = new URL(origin);
    if (!/^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(url.hostname)) {
      throw new Error(`refusing to load a non-loopback address: ${origin}`);
    }
    this.origin = url.origin;
    this.pool = new Pool(this.origin, {
      connections,
      pipelining: 1,
      keepAliveTimeout: 60_000,
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    });
  }

  /** Sends one request; `target` may be absolute (same origin only) or a path. */
  async request(method: 'GET' | 'POST', target: string, options: RequestOptions = {}): Promise<HttpResponse> {
    const url = new URL(target, this.origin);
    if (url.origin !== this.origin) throw new Error(`refusing to leave ${this.origin}: ${url.href}`);
    const headers: Record<string, string> = { ...options.headers };
    const cookie = options.jar?.header();
    if (cookie !== undefined) headers['cookie'] = cookie;
    let body: string | undefined;
    if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    }
    const response = await this.pool.request({
      method,
      path: url.pathname + url.search,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    const text = await response.body.text();
    options.jar?.store(response.headers['set-cookie']);
    const location = response.headers['location'];
    return {
      status: response.statusCode,
      headers: response.headers,
      body: text,
      location: typeof location === 'string' ? new URL(location, url).href : undefined,
    };
  }

  get(target: string, options: RequestOptions = {}): Promise<HttpResponse> {
    return this.request('GET', target, options);
  }

  post(target: string, options: RequestOptions = {}): Promise<HttpResponse> {
    return this.request('POST', target, options);
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

export interface HtmlForm {
  action: string;
  hidden: Record<string, string>;
}

const unescapeHtml = (value: string) =>
  value
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The first form on a page: its absolute action and its hidden fields (_csrf, return_to, ...). */
export function firstForm(page: HttpResponse, pageUrl: string): HtmlForm {
  const form = /<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/.exec(page.body);
  if (!form) throw new Error(`no form on ${pageUrl} (status ${page.status}): ${page.body.slice(0, 200)}`);
  const hidden: Record<string, string> = {};
  for (const input of form[2]!.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]*)"[^>]*value="([^"]*)"/g)) {
    hidden[unescapeHtml(input[1]!)] = unescapeHtml(input[2]!);
  }
  return { action: new URL(unescapeHtml(form[1]!), pageUrl).href, hidden };
}

/** RFC 6749 §2.3.1: form-encode client_id and secret before base64. */
export function basicAuth(clientId: string, secret: string): string {
  const enc = (v: string) => encodeURIComponent(v).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(clientId)}:${enc(secret)}`).toString('base64')}`;
}
