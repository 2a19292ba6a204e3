// The selftest's browser: a cookie jar over global fetch, manual redirects, and HTML form submission (hidden CSRF fields kept).

export interface Page {
  status: number;
  headers: Headers;
  body: string;
  url: string;
}

/** The absolute URL a redirect answer points at, or null when it is not a redirect. */
export function locationOf(page: Page): URL | null {
  const location = page.headers.get('location');
  if (page.status < 300 || page.status >= 400 || location === null) return null;
  return new URL(location, page.url);
}

export function unescapeHtml(value: string): string {
  return value
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

export class Agent {
  private readonly cookies = new Map<string, string>();

  get hasCookies(): boolean {
    return this.cookies.size > 0;
  }

  async request(url: string, form?: Record<string, string>): Promise<Page> {
    const headers: Record<string, string> = {};
    if (this.cookies.size > 0) headers['cookie'] = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(url, {
      method: form ? 'POST' : 'GET',
      headers,
      redirect: 'manual',
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    });
    for (const cookie of res.headers.getSetCookie()) this.store(cookie);
    return { status: res.status, headers: res.headers, body: await res.text(), url };
  }

  /** Follows redirects on the server's origin; stops at the first one that leaves it (the client's callback). */
  async follow(url: string, form?: Record<string, string>): Promise<Page> {
    const origin = new URL(url).origin;
    let page = await this.request(url, form);
    for (let hops = 0; hops < 10; hops++) {
      const next = locationOf(page);
      if (next === null || next.origin !== origin) return page;
      page = await this.request(next.href);
    }
    throw new Error(`more than 10 redirects from ${url}`);
  }

  /** Fills in and submits the first form on a page, keeping its hidden fields (the CSRF token among them). */
  async submit(page: Page, fields: Record<string, string>): Promise<Page> {
    const form = /<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/.exec(page.body);
    if (!form) throw new Error(`no form on ${page.url} (status ${page.status})`);
    const values: Record<string, string> = {};
    for (const input of form[2]!.matchAll(
      /<input[^>]*type="hidden"[^>]*name="([^"]*)"[^>]*value="([^"]*)"/g,
    )) {
      values[unescapeHtml(input[1]!)] = unescapeHtml(input[2]!);
    }
    return this.follow(new URL(unescapeHtml(form[1]!), page.url).href, { ...values, ...fields });
  }

  /** A cookie cleared by the server (empty, Max-Age=0 or expired) leaves the jar, as in a browser. */
  private store(header: string): void {
    const [pair, ...attributes] = header.split(';');
    const eq = pair!.indexOf('=');
    const name = pair!.slice(0, eq).trim();
    const value = pair!.slice(eq + 1).trim();
    const cleared = attributes.some((a) => {
      const [key, val] = a.trim().split('=');
      const k = key!.toLowerCase();
      return (k === 'max-age' && Number(val) <= 0) || (k === 'expires' && Date.parse(val ?? '') < Date.now());
    });
    if (value === '' || cleared) this.cookies.delete(name);
    else this.cookies.set(name, value);
  }
}
