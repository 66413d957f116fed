import { buildMultipart, type Part } from './multipart.ts';
import type { TestApp } from './test-app.ts';

/** A cookie jar and form poster for page tests through `app.request`, as a browser on this site would send them. */
export class PageClient {
  readonly cookies = new Map<string, string>();
  private readonly app: TestApp;

  constructor(app: TestApp) {
    this.app = app;
  }

  private remember(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...rest] = pair.split('=');
      const value = rest.join('=');
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line) || value === '') this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value);
    }
  }

  private cookieHeader(): Record<string, string> {
    return this.cookies.size === 0 ? {} : { cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ') };
  }

  async get(path: string): Promise<{ status: number; html: string; headers: Headers }> {
    const response = await this.app.app.request(`http://127.0.0.1${path}`, { headers: this.cookieHeader() });
    this.remember(response);
    return { status: response.status, html: await response.text(), headers: response.headers };
  }

  async post(path: string, fields: Record<string, string>, headers: Record<string, string> = { origin: 'http://127.0.0.1' }): Promise<{ status: number; html: string; headers: Headers }> {
    const response = await this.app.app.request(`http://127.0.0.1${path}`, {
      method: 'POST',
      body: new URLSearchParams(fields).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...this.cookieHeader(), ...headers },
    });
    this.remember(response);
    return { status: response.status, html: await response.text(), headers: response.headers };
  }

  /** Posts a multipart form with this client's cookies, as a browser on this site sends it. */
  async postMultipart(path: string, parts: Part[]): Promise<{ status: number; html: string; headers: Headers }> {
    const { body, contentType } = buildMultipart(parts);
    const response = await this.app.app.request(`http://127.0.0.1${path}`, { method: 'POST', body: body as Uint8Array<ArrayBuffer>, headers: { 'content-type': contentType, ...this.cookieHeader(), origin: 'http://127.0.0.1' } });
    this.remember(response);
    return { status: response.status, html: await response.text(), headers: response.headers };
  }

  /** Reads the CSRF token of the first form on a page. */
  static csrf(html: string): string {
    const match = /name="_csrf" value="([^"]+)"/.exec(html);
    if (match === null) throw new Error('the page has no CSRF token');
    return match[1];
  }

  /** Signs in through the form and returns the page the browser lands on. */
  async signIn(email: string, password: string) {
    const form = await this.get('/login');
    return this.post('/login', { _csrf: PageClient.csrf(form.html), email, password });
  }
}
