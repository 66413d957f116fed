/** A file to send in a multipart request. */
export type DemoFile = { name: string; type: string; bytes: Uint8Array };

/**
 * Calls the running service's API as one person, the way any API client would.
 * A response other than the expected status stops the demo with the problem the
 * service gave, because a demo step that fails silently would hide a real fault.
 */
export class DemoClient {
  readonly baseUrl: string;
  readonly token: string;

  constructor(baseUrl: string, token: string) {
    this.baseUrl = baseUrl;
    this.token = token;
  }

  async json<T = any>(method: string, path: string, body?: unknown, expected = 200): Promise<T> {
    const init: RequestInit = { method, headers: this.headers(body === undefined ? {} : { 'content-type': 'application/json' }) };
    if (body !== undefined) init.body = JSON.stringify(body);
    return this.expect<T>(await fetch(`${this.baseUrl}${path}`, init), method, path, expected);
  }

  /** Sends files (and text fields) as multipart/form-data, each file in a part named "file". */
  async upload<T = any>(path: string, files: DemoFile[], fields: Record<string, string> = {}, expected = 201): Promise<T> {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    for (const file of files) form.append('file', new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: file.type }), file.name);
    return this.expect<T>(await fetch(`${this.baseUrl}${path}`, { method: 'POST', headers: this.headers({}), body: form }), 'POST', path, expected);
  }

  async bytes(path: string): Promise<Uint8Array> {
    const response = await fetch(`${this.baseUrl}${path}`, { headers: this.headers({}) });
    if (response.status !== 200) await this.fail(response, 'GET', path, 200);
    return new Uint8Array(await response.arrayBuffer());
  }

  /** Sends a lifecycle event to an application. */
  async send(applicationId: string, event: Record<string, unknown>): Promise<{ state: string }> {
    return this.json('POST', `/api/applications/${applicationId}/events`, event);
  }

  private headers(extra: Record<string, string>): Record<string, string> {
    return { authorization: `Bearer ${this.token}`, ...extra };
  }

  private async expect<T>(response: Response, method: string, path: string, expected: number): Promise<T> {
    if (response.status !== expected) await this.fail(response, method, path, expected);
    return (await response.json()) as T;
  }

  private async fail(response: Response, method: string, path: string, expected: number): Promise<never> {
    const text = await response.text();
    let detail = text.slice(0, 500);
    try {
      const problem = JSON.parse(text) as { detail?: string };
      if (typeof problem.detail === 'string') detail = problem.detail;
    } catch {
      // Not JSON: the raw text is the best description there is.
    }
    throw new Error(`${method} ${path} returned ${response.status} where ${expected} was expected: ${detail}`);
  }
}
