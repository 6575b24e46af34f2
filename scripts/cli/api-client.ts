import { CliError } from './command.ts';

interface RequestOptions {
  json?: unknown;
  body?: ReadableStream | Buffer;
  contentType?: string;
  /** Non-2xx statuses whose JSON body is a result, not an error (an import refused with its report). */
  allowStatus?: number[];
}

/**
 * The CLI's client of the Curate HTTP API, so every command works the same against the embedded store and a remote
 * deployment. Credentials: CURATE_TOKEN (an API token), or CURATE_EMAIL and CURATE_PASSWORD to sign in.
 */
export class ApiClient {
  private cookie = '';
  private csrf = '';

  private constructor(
    readonly baseUrl: string,
    private readonly token: string | undefined,
  ) {}

  /** Connects using the environment's URL and credentials. */
  static async fromEnv(env: NodeJS.ProcessEnv = process.env): Promise<ApiClient> {
    const baseUrl = (env.CURATE_URL ?? 'http://localhost:3000').replace(/\/$/, '');
    const client = new ApiClient(baseUrl, env.CURATE_TOKEN);
    if (!env.CURATE_TOKEN) {
      if (!env.CURATE_EMAIL || !env.CURATE_PASSWORD) {
        throw new CliError('no credentials: set CURATE_TOKEN, or CURATE_EMAIL and CURATE_PASSWORD', 2);
      }
      await client.signIn(env.CURATE_EMAIL, env.CURATE_PASSWORD);
    }
    return client;
  }

  private async signIn(email: string, password: string) {
    const session = await this.request<{ csrfToken: string }>('GET', '/api/session');
    this.csrf = session.csrfToken;
    const login = await this.request<{ csrfToken: string }>('POST', '/api/auth/login', { json: { email, password } });
    this.csrf = login.csrfToken;
  }

  /** Sends a request; a non-2xx answer becomes a CliError with the server's message (and the body in `details`). */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    return this.read<T>(await this.send(method, path, options), method, path, options);
  }

  private async send(method: string, path: string, options: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (this.cookie) headers.cookie = this.cookie;
    if (this.csrf) headers['x-csrf-token'] = this.csrf;
    if (options.json !== undefined) headers['content-type'] = 'application/json';
    if (options.contentType) headers['content-type'] = options.contentType;
    let response: Response;
    try {
      response = await fetch(this.baseUrl + path, {
        method,
        headers,
        body: options.json !== undefined ? JSON.stringify(options.json) : options.body,
        ...(options.body && !Buffer.isBuffer(options.body) ? { duplex: 'half' } : {}),
      } as RequestInit);
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new CliError(`cannot reach ${this.baseUrl} (${cause}); is the server running? (CURATE_URL)`);
    }
    return response;
  }

  private async read<T>(response: Response, method: string, path: string, options: RequestOptions): Promise<T> {
    const setCookie = response.headers.getSetCookie?.() ?? [];
    if (setCookie.length) this.cookie = setCookie.map((c) => c.split(';')[0]).join('; ');
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      // Not JSON: keep the text for the message.
    }
    if (!response.ok && !options.allowStatus?.includes(response.status)) {
      const message = (body as { error?: { message?: string } })?.error?.message ?? `${response.status} ${response.statusText}`;
      throw new CliError(`${method} ${path}: ${message}`);
    }
    return body as T;
  }

  /** Sends a request and returns the response body as a stream (downloads); errors as in `request`. */
  async stream(method: string, path: string): Promise<ReadableStream<Uint8Array>> {
    const response = await this.send(method, path, {});
    if (!response.ok || !response.body) {
      await this.read(response, method, path, {});
    }
    return response.body!;
  }

  /** Finds a project by name (the CLI names projects; the API addresses them by id). */
  async projectByName(name: string): Promise<{ id: number; name: string; taskType: string }> {
    // Archived projects too (admins only see them): they can still be exported, restored or deleted by name.
    const { projects } = await this.request<{ projects: { id: number; name: string; taskType: string }[] }>('GET', '/api/projects?archived=include');
    const project = projects.find((p) => p.name === name);
    if (!project) throw new CliError(`no project named "${name}" (see: npm run curate -- projects list)`);
    return project;
  }
}
