/**
 * The management API from the browser: JSON in and out, errors as `ApiError`s with the API's
 * message and code. The console calls `/api/v1` (IAM in AWS, through a signing proxy); the
 * tenant portal calls `/portal/api` with its token as a bearer credential.
 */

export interface ApiOptions {
  readonly method?: string;
  readonly body?: unknown;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
  ) {
    super(message);
  }
}

export class Api {
  /**
   * @param base `/api/v1` or `/portal/api`: every path is relative to it.
   * @param token the bearer token to send, if any (the portal's).
   */
  constructor(
    readonly base: string,
    private readonly token?: () => string | undefined,
  ) {}

  async request<T = unknown>(path: string, options: ApiOptions = {}): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const token = this.token?.();
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await fetch(`${this.base}${path}`, {
      method: options.method ?? 'GET',
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      credentials: 'same-origin',
      cache: 'no-store',
    });
    const text = await response.text();
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = null;
    }
    if (!response.ok) {
      const problem = (body as { error?: { code?: string; message?: string } } | null)?.error;
      throw new ApiError(problem ? `${problem.message} (${problem.code}, HTTP ${response.status})` : `HTTP ${response.status}`, response.status, problem?.code);
    }
    return body as T;
  }

  get<T = unknown>(path: string): Promise<T> {
    return this.request<T>(path);
  }

  post<T = unknown>(path: string, body?: unknown): Promise<T> {
    return this.request<T>(path, { method: 'POST', ...(body === undefined ? {} : { body }) });
  }
}

/** `?a=1&b=2` from the non-empty values, or `''`. */
export function query(params: Readonly<Record<string, string | null | undefined>>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** A path segment, encoded. */
export const seg = encodeURIComponent;
