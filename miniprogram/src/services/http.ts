import { ApiError, fromProblem, MESSAGES } from './errors';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Sent as `Idempotency-Key`; a retry after a network failure reuses it, so one tap makes one case. */
  idempotencyKey?: string;
  /** Default true: attach the bearer token and refresh it silently on 401. */
  auth?: boolean;
  /** Don't toast the error (the caller shows it inline, e.g. field errors on a form). */
  silent?: boolean;
  timeoutMs?: number;
  /** multipart upload of a local file instead of a JSON body */
  upload?: {
    filePath: string;
    name: string;
    /** the file's own name (H5 otherwise sends file-<timestamp>) */
    fileName?: string;
    formData?: Record<string, string>;
    onProgress?: (p: number) => void;
  };
  headers?: Record<string, string>;
}

export interface HttpResponse<T = unknown> {
  status: number;
  data: T;
  headers: Record<string, string>;
}

/** What carries bytes: Taro.request / Taro.uploadFile in the app, a fake in tests. */
export interface Transport {
  request(req: {
    url: string;
    method: string;
    header: Record<string, string>;
    data?: unknown;
    timeout: number;
  }): Promise<{ statusCode: number; data: unknown; header: Record<string, string> }>;
  upload(req: {
    url: string;
    filePath: string;
    name: string;
    fileName?: string;
    header: Record<string, string>;
    formData?: Record<string, string>;
    onProgress?: (p: number) => void;
    timeout: number;
  }): Promise<{ statusCode: number; data: string }>;
}

/** Where tokens live; the auth service owns the refresh call. */
export interface Session {
  accessToken(): string | undefined;
  /** Single-flight: concurrent 401s share one refresh. Resolves false when the login is gone. */
  refresh(): Promise<boolean>;
  onLost(): void;
}

/** Koa-style onion: `(req, next) => Promise<response>`. */
export type Interceptor = (
  req: HttpRequest,
  next: (req: HttpRequest) => Promise<HttpResponse>,
) => Promise<HttpResponse>;

export interface HttpOptions {
  baseUrl: string;
  transport: Transport;
  session?: Session;
  notify?: (message: string) => void;
  newId?: () => string;
  online?: () => Promise<boolean>;
  defaultTimeoutMs?: number;
}

export function uuid(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  return 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, (ch) => {
    const r = (Math.random() * 16) | 0;
    return (ch === 'x' ? r : (r & 0x3) | 0x8).toString(16);
  });
}

function buildUrl(base: string, path: string, query?: HttpRequest['query']): string {
  const qs = Object.entries(query ?? {})
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
  return `${base}${path}${qs ? `?${qs}` : ''}`;
}

function lowerKeys(h: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(h ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
}

function networkError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const text = err instanceof Error ? err.message : String((err as { errMsg?: string })?.errMsg ?? err);
  return /timeout|超时/i.test(text)
    ? new ApiError({ kind: 'timeout', message: MESSAGES.timeout })
    : new ApiError({ kind: 'offline', message: MESSAGES.offline });
}

/** Request id on every call, so a citizen's screenshot of an error can be found in the gateway log. */
export const requestId =
  (newId: () => string): Interceptor =>
  (req, next) =>
    next({ ...req, headers: { ...req.headers, 'X-Request-Id': newId() } });

export const idempotency: Interceptor = async (req, next) => {
  if (!req.idempotencyKey) return next(req);
  const keyed = { ...req, headers: { ...req.headers, 'Idempotency-Key': req.idempotencyKey } };
  try {
    return await next(keyed);
  } catch (err) {
    // The gateway replays the first answer for the same key, so one retry on a lost answer is safe.
    if (err instanceof ApiError && err.kind !== 'http') return next(keyed);
    throw err;
  }
};

export const bearer =
  (session: Session | undefined): Interceptor =>
  async (req, next) => {
    if (req.auth === false || !session) return next(req);
    const withToken = (r: HttpRequest) => {
      const token = session.accessToken();
      return token ? { ...r, headers: { ...r.headers, Authorization: `Bearer ${token}` } } : r;
    };
    try {
      return await next(withToken(req));
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 401) throw err;
      if (!(await session.refresh())) {
        session.onLost();
        throw new ApiError({
          kind: 'http',
          status: 401,
          code: 'session_expired',
          message: MESSAGES.sessionExpired,
        });
      }
      return next(withToken(req));
    }
  };

export const toastErrors =
  (notify: ((m: string) => void) | undefined): Interceptor =>
  async (req, next) => {
    try {
      return await next(req);
    } catch (err) {
      const e = networkError(err);
      // Field errors belong next to their fields; the caller shows them (and asks for `silent`).
      if (notify && !req.silent && !(e.status === 401 && e.code === 'session_expired')) notify(e.message);
      throw e;
    }
  };

export const offlineGuard =
  (online: (() => Promise<boolean>) | undefined): Interceptor =>
  async (req, next) => {
    if (online && !(await online())) throw new ApiError({ kind: 'offline', message: MESSAGES.offline });
    return next(req);
  };

export interface Http {
  send<T>(req: HttpRequest): Promise<HttpResponse<T>>;
  get<T>(path: string, query?: HttpRequest['query'], extra?: Partial<HttpRequest>): Promise<T>;
  post<T>(path: string, body?: unknown, extra?: Partial<HttpRequest>): Promise<T>;
  put<T>(path: string, body?: unknown, extra?: Partial<HttpRequest>): Promise<T>;
  del<T>(path: string, extra?: Partial<HttpRequest>): Promise<T>;
}

/**
 * The one request layer. Order (outside → in): toast, request id, offline check, idempotency, bearer
 * (+ silent refresh), then the transport. Non-2xx answers become {@link ApiError} from problem+json.
 */
export function createHttp(options: HttpOptions): Http {
  const timeout = options.defaultTimeoutMs ?? 15_000;
  const core = async (req: HttpRequest): Promise<HttpResponse> => {
    const header: Record<string, string> = { Accept: 'application/json', ...req.headers };
    const url = buildUrl(options.baseUrl, req.path, req.query);
    let res: { statusCode: number; data: unknown; header?: Record<string, string> };
    try {
      if (req.upload) {
        const u = await options.transport.upload({
          url,
          header,
          timeout: req.timeoutMs ?? 120_000,
          ...req.upload,
        });
        let data: unknown = u.data;
        try {
          data = JSON.parse(u.data);
        } catch {
          /* non-JSON body: keep the text */
        }
        res = { statusCode: u.statusCode, data };
      } else {
        if (req.body !== undefined) header['Content-Type'] = 'application/json';
        res = await options.transport.request({
          url,
          method: req.method,
          header,
          data: req.body,
          timeout: req.timeoutMs ?? timeout,
        });
      }
    } catch (err) {
      throw networkError(err);
    }
    const headers = lowerKeys(res.header);
    if (res.statusCode >= 200 && res.statusCode < 300)
      return { status: res.statusCode, data: res.data, headers };
    throw fromProblem(res.statusCode, res.data, headers['x-request-id']);
  };
  const chain: Interceptor[] = [
    toastErrors(options.notify),
    requestId(options.newId ?? uuid),
    offlineGuard(options.online),
    idempotency,
    bearer(options.session),
  ];
  const run = chain.reduceRight<(r: HttpRequest) => Promise<HttpResponse>>(
    (next, interceptor) => (r) => interceptor(r, next),
    core,
  );
  const send = <T>(req: HttpRequest) => run(req) as Promise<HttpResponse<T>>;
  return {
    send,
    get: async (path, query, extra) => (await send<never>({ method: 'GET', path, query, ...extra })).data,
    post: async (path, body, extra) => (await send<never>({ method: 'POST', path, body, ...extra })).data,
    put: async (path, body, extra) => (await send<never>({ method: 'PUT', path, body, ...extra })).data,
    del: async (path, extra) => (await send<never>({ method: 'DELETE', path, ...extra })).data,
  };
}
