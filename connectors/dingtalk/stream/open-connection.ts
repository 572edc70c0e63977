import { networkInterfaces } from 'node:os';
import axios from 'axios';
import { DingtalkStreamOpenError } from './errors';

/** Path of the registration call (platforms.md §2.9 step 1). */
export const OPEN_CONNECTION_PATH = '/v1.0/gateway/connections/open';

/** A subscription as registered: EVENT `*` (DingTalk supports only `*` for events) or a CALLBACK topic. */
export interface StreamSubscription {
  type: 'EVENT' | 'CALLBACK';
  topic: string;
}

export interface OpenConnectionRequest {
  clientId: string;
  clientSecret: string;
  subscriptions: StreamSubscription[];
  ua: string;
  localIp: string;
}

/** Where to connect: `{endpoint}?ticket={ticket}`. The ticket is valid 90 s, for one connection. */
export interface StreamTicket {
  endpoint: string;
  ticket: string;
}

/** Register a connection and get its endpoint and ticket; throws {@link DingtalkStreamOpenError}. */
export async function openStreamConnection(
  apiBase: string,
  request: OpenConnectionRequest,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<StreamTicket> {
  let status: number;
  let data: unknown;
  try {
    const response = await axios.request({
      baseURL: apiBase,
      url: OPEN_CONNECTION_PATH,
      method: 'POST',
      data: request,
      timeout: timeoutMs,
      // The v1.0 gateway answers XML unless asked for JSON (noted in DingTalk's Node SDK).
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      responseType: 'json',
      validateStatus: () => true,
      ...(signal ? { signal } : {}),
    });
    status = response.status;
    data = response.data;
  } catch (error) {
    // The axios error carries the request body (the secret): keep only its code.
    const code = axios.isAxiosError(error) ? error.code : undefined;
    const reason =
      code === 'ECONNABORTED' ? 'timeout' : code === 'ERR_CANCELED' ? 'cancelled' : 'network error';
    throw new DingtalkStreamOpenError(reason, withCode(code));
  }
  const body =
    typeof data === 'object' && data !== null && !Array.isArray(data)
      ? (data as Record<string, unknown>)
      : {};
  if (status !== 200) {
    const code = typeof body.code === 'string' ? body.code : undefined;
    const requestId = typeof body.requestid === 'string' ? body.requestid : undefined;
    throw new DingtalkStreamOpenError(`HTTP ${status}${code ? ` ${code}` : ''}`, {
      status,
      ...withCode(code),
      ...(requestId ? { requestId } : {}),
    });
  }
  const { endpoint, ticket } = body;
  if (typeof endpoint !== 'string' || typeof ticket !== 'string' || endpoint === '' || ticket === '') {
    throw new DingtalkStreamOpenError('answer without endpoint or ticket', { status });
  }
  return { endpoint, ticket };
}

/** The WebSocket URL `{endpoint}?ticket={ticket}`. */
export function ticketUrl({ endpoint, ticket }: StreamTicket): string {
  const url = new URL(endpoint);
  url.searchParams.set('ticket', ticket);
  return url.toString();
}

/** Non-internal IPv4 addresses, comma-separated, as `localIp` (helps DingTalk support trace a connection). */
export function localIpAddresses(): string {
  const addresses: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const item of list ?? []) if (item.family === 'IPv4' && !item.internal) addresses.push(item.address);
  }
  return addresses.join(',');
}

function withCode(code: string | undefined): { code?: string } {
  return code === undefined ? {} : { code };
}
