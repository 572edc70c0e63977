import { platform } from '../platform';
import type { KeyValueStore, Platform } from '../platform/types';
import { createHttp, type Http, type Transport } from './http';
import { StoredSession, type Tokens } from './session';
import { taroTransport } from './transport';

export const API_PREFIX = '/api/v1';

export interface Api {
  /** The gateway's API root (…/api/v1), for the few URLs handed to the platform (file previews). */
  baseUrl: string;
  http: Http;
  staffHttp: Http;
  citizen: StoredSession;
  staff: StoredSession;
  platform: Platform;
}

/** Wires the request layer for one app instance (tests pass a fake transport and memory storage). */
export function createApi(deps: {
  baseUrl: string;
  transport: Transport;
  platform: Platform;
  store?: KeyValueStore;
}): Api {
  const store = deps.store ?? deps.platform.storage;
  const raw = createHttp({ baseUrl: deps.baseUrl + API_PREFIX, transport: deps.transport });
  const citizen = new StoredSession(store, 'gcrm.session.citizen', async (cur) =>
    cur.refreshToken
      ? raw.post<Tokens>('/auth/refresh', { refreshToken: cur.refreshToken }, { auth: false, silent: true })
      : undefined,
  );
  const staff = new StoredSession(store, 'gcrm.session.staff', (cur) =>
    raw.post<Tokens>('/auth/staff/refresh', undefined, {
      silent: true,
      headers: { Authorization: `Bearer ${cur.accessToken}` },
    }),
  );
  const common = {
    baseUrl: deps.baseUrl + API_PREFIX,
    transport: deps.transport,
    notify: (m: string) => deps.platform.toast(m),
    online: () => deps.platform.isOnline(),
  };
  return {
    baseUrl: deps.baseUrl + API_PREFIX,
    http: createHttp({ ...common, session: citizen }),
    staffHttp: createHttp({ ...common, session: staff }),
    citizen,
    staff,
    platform: deps.platform,
  };
}

let current: Api | undefined;

/** The app-wide instance (lazy so that tests can install their own with {@link setApi}). */
export function api(): Api {
  if (!current) {
    current = createApi({ baseUrl: GCRM_API_BASE, transport: taroTransport, platform });
  }
  return current;
}

export function setApi(next: Api | undefined): void {
  current = next;
}
