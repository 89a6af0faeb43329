/** The HTTP client of the app: the key in a Bearer header, errors as `ApiError` with words. */

export interface Session {
  key: string;
  org: string;
}

/** An error answer of the API (`{"error":{"code","message","details"}}`) or a network failure. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Reads an error body into an ApiError, whatever the body is. */
export async function errorOf(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // not JSON: the status speaks alone
  }
  const err = (body as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
  return new ApiError(res.status, err?.code ?? `HTTP_${res.status}`, err?.message ?? (res.statusText || `The server answered ${res.status}`), err?.details);
}

/** The words to show for an error of any kind. */
export function describeError(e: unknown): string {
  if (e instanceof ApiError) {
    switch (e.status) {
      case 0:
        return 'The server could not be reached. Check your connection, then try again.';
      case 401:
        return 'This key was not accepted. Check that you copied the whole key, or ask your administrator for a new one.';
      case 404:
        // The API's hint of the route that lists such things is for programs, not for the page.
        return e.message && e.code === 'NOT_FOUND' ? `${e.message.replace(/; GET \/api\/\S+ lists them$/, '')}. It may have been removed, or it belongs to another organisation.` : 'Not found.';
      case 413:
        return e.message ? `${e.message.replace(/ \(LOYALTY_MAX_FILE_MB\)/, '')}.` : 'The file is larger than the server accepts. Split the file into smaller files and import each.';
      default:
        return detailsText(e) ? `${e.message} ${detailsText(e)}` : e.message;
    }
  }
  if (e instanceof Error) return e.message;
  return String(e);
}

function detailsText(e: ApiError): string {
  const d = e.details;
  if (!Array.isArray(d)) return '';
  return d
    .map((x) => (typeof x === 'string' ? x : typeof x === 'object' && x ? [(x as { path?: unknown }).path, (x as { message?: unknown }).message].filter(Boolean).join(': ') : ''))
    .filter(Boolean)
    .join('; ');
}

export class Api {
  /** `onUnauthorized`: the key was refused in the middle of a session (revoked, say). */
  constructor(
    readonly session: Session,
    private readonly onUnauthorized?: () => void,
  ) {}

  /** `/api/orgs/{org}` + path. */
  orgPath(path = ''): string {
    return `/api/orgs/${encodeURIComponent(this.session.org)}${path}`;
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return { authorization: `Bearer ${this.session.key}`, ...extra };
  }

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(path, { ...init, headers: { ...this.headers(), ...(init.headers as Record<string, string> | undefined) } });
    } catch (e) {
      if ((e as Error).name === 'AbortError') throw e;
      throw new ApiError(0, 'NETWORK', 'The server could not be reached');
    }
    if (res.status === 401) this.onUnauthorized?.();
    if (!res.ok) throw await errorOf(res);
    return res;
  }

  async get<T = unknown>(path: string, signal?: AbortSignal): Promise<T> {
    const res = await this.fetch(path, { signal });
    return (await res.json()) as T;
  }

  /** POSTs a JSON body; `{}` when none, since the server validates every body as an object. */
  async post<T = unknown>(path: string, body: unknown = {}): Promise<T> {
    const res = await this.fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const text = await res.text();
    return (text ? JSON.parse(text) : null) as T;
  }
}
