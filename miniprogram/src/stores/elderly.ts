import { useSyncExternalStore } from 'react';
import { platform } from '../platform';
import type { KeyValueStore } from '../platform/types';

const KEY = 'gcrm.elderlyMode';
const listeners = new Set<() => void>();
let store: KeyValueStore = platform.storage;
let cached: boolean | undefined;

/** 长辈模式: larger type, simplified home, high contrast. Remembered in platform storage. */
export function isElderly(): boolean {
  cached ??= store.get<boolean>(KEY) === true;
  return cached;
}

export function setElderly(on: boolean): void {
  cached = on;
  store.set(KEY, on);
  for (const l of listeners) l();
}

/** Tests swap the storage (and forget the cached value). */
export function setElderlyStore(next: KeyValueStore): void {
  store = next;
  cached = undefined;
}

export function useElderly(): [boolean, (on: boolean) => void] {
  const on = useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    isElderly,
    isElderly,
  );
  return [on, setElderly];
}

/** Root class for a page: `page` plus `page--elderly` when on. */
export function pageClass(on: boolean, extra = ''): string {
  return `page${on ? ' page--elderly' : ''}${extra ? ` ${extra}` : ''}`;
}
