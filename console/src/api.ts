/** The management API from the browser: JSON in and out, errors as `Error`s with the API's message and code. */

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

export async function api<T = unknown>(path: string, options: ApiOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
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

/** `?a=1&b=2` from the non-empty values, or `''`. */
export function query(params: Readonly<Record<string, string | null | undefined>>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
  const text = search.toString();
  return text ? `?${text}` : '';
}
