import { clearPiiIn, MAY_SHOW_CLEAR } from '../../gateway/test/pii-scan';

/** Small fetch helpers for suites that talk to a real gateway over HTTP. */
export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export async function call<T = any>(
  url: string,
  init: {
    method?: string;
    token?: string;
    body?: unknown;
    headers?: Record<string, string>;
    raw?: string;
  } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  let payload: string | undefined = init.raw;
  if (init.body !== undefined) {
    payload = JSON.stringify(init.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(url, {
    method: init.method ?? (payload === undefined ? 'GET' : 'POST'),
    headers,
    body: payload,
  });
  const text = await res.text();
  // Every answer of the API in every suite is scanned: personal numbers leave masked, except where
  // showing them is the point (an audited reveal, the citizen's own export).
  const path = new URL(url).pathname;
  if (path.startsWith('/api/') && !MAY_SHOW_CLEAR.some((p) => p.test(path))) {
    const hits = clearPiiIn(text);
    if (hits.length > 0)
      throw new Error(
        `${init.method ?? 'GET'} ${path} answered with clear personal data: ${hits.join(', ')}`,
      );
  }
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {}
  return { status: res.status, headers: res.headers, body: body as T };
}
