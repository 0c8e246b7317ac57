/**
 * A tiny browser for the web pages in tests: a cookie jar over fetch (redirects not followed,
 * so tests see each 303), form-field scraping, and sign-in through the real /signin form.
 */
import { DEMO_PASSWORD } from '../helpers/client';
import { fetchFrom } from '../helpers/fetch-from';

export interface Page {
  status: number;
  location: string | null;
  setCookies: string[];
  text: string;
  headers: Headers;
}

export class Browser {
  readonly jar = new Map<string, string>();
  /** `from`: another client address of this machine (127.0.0.x) this browser connects from. */
  constructor(
    readonly base: string,
    readonly from?: string,
  ) {}

  private fetch(path: string, init: { method?: string; headers: Record<string, string>; body?: string }): Promise<Response> {
    return this.from ? fetchFrom(this.from, this.base + path, init) : fetch(this.base + path, { ...init, redirect: 'manual' });
  }

  /** The `Cookie` header this browser sends. */
  cookieHeader(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(res: Response): string[] {
    const set = res.headers.getSetCookie();
    for (const c of set) {
      const [pair, ...attrs] = c.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]) < Date.now()));
      if (expired || value === '') this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return set;
  }

  async get(path: string): Promise<Page> {
    const res = await this.fetch(path, { headers: { cookie: this.cookieHeader(), accept: 'text/html' } });
    return this.page(res);
  }

  /** Posts form fields as a browser would (application/x-www-form-urlencoded). */
  async post(path: string, fields: Record<string, string>): Promise<Page> {
    const res = await this.fetch(path, {
      method: 'POST',
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: new URLSearchParams(fields).toString(),
    });
    return this.page(res);
  }

  private async page(res: Response): Promise<Page> {
    const setCookies = this.remember(res);
    return { status: res.status, location: res.headers.get('location'), setCookies, text: await res.text(), headers: res.headers };
  }

  /** Signs in through the /signin form; returns the final 303. */
  async signIn(email: string, password = DEMO_PASSWORD, next = '/credits'): Promise<Page> {
    const form = await this.get(`/signin?next=${encodeURIComponent(next)}`);
    if (form.status !== 200) throw new Error(`GET /signin: ${form.status}`);
    const res = await this.post('/signin', { csrf: field(form.text, 'csrf'), next, email, password });
    if (res.status !== 303) throw new Error(`POST /signin: ${res.status} ${res.text.slice(0, 200)}`);
    return res;
  }
}

/** The value of a (hidden) input named `name` on a page. */
export function field(text: string, name: string): string {
  const m = new RegExp(`<input[^>]*name="${name}"[^>]*value="([^"]*)"`).exec(text);
  if (!m) throw new Error(`no input named ${name} on the page`);
  return m[1].replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

/** A number in a `data-NAME="…"` attribute (the pages mark their figures for tests and tools). */
export function dataNumber(text: string, name: string): number {
  const m = new RegExp(`data-${name}="(-?\\d+)"`).exec(text);
  if (!m) throw new Error(`no data-${name} on the page`);
  return Number(m[1]);
}

/** The visible text of an HTML page, tags stripped and entities decoded (enough for assertions). */
export function visible(text: string): string {
  return text
    .replace(/<style[\s\S]*?<\/style>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}
