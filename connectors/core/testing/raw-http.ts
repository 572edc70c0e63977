// Raw HTTP helpers for simulator tests: they look at the wire, not through a client.

/** An answer as the test sees it: HTTP status and the JSON body (`{}` when empty). */
export interface RawAnswer {
  status: number;
  body: Record<string, unknown>;
}

async function answer(response: Response): Promise<RawAnswer> {
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

export async function getJson(
  base: string,
  path: string,
  query: Record<string, string> = {},
): Promise<RawAnswer> {
  const url = new URL(path, base);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  return answer(await fetch(url));
}

/** Send `body` (a string as is, anything else JSON-encoded) with `method` (default POST). */
export async function postJson(
  base: string,
  path: string,
  body: unknown,
  query: Record<string, string> = {},
  method = 'POST',
): Promise<RawAnswer> {
  const url = new URL(path, base);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  const init: RequestInit = { method, headers: { 'content-type': 'application/json' } };
  init.body = typeof body === 'string' ? body : JSON.stringify(body);
  return answer(await fetch(url, init));
}
