import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BlobStore } from './blob-store';
import { createLocalDiskStore } from './local-disk-store';

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('local disk blob store', () => {
  let root: string;
  let store: BlobStore;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'gcrm-blobs-'));
    store = createLocalDiskStore(join(root, 'blobs'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('puts, gets, has and deletes by hash under ab/cd/<sha>, files 0600', async () => {
    const data = Buffer.from('材料内容');
    const key = sha(data);
    expect(await store.has(key)).toBe(false);
    expect(await store.get(key)).toBeNull();
    await store.put(key, data);
    expect(await store.has(key)).toBe(true);
    expect(await store.get(key)).toEqual(data);
    const file = join(root, 'blobs', key.slice(0, 2), key.slice(2, 4), key);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await store.delete(key);
    expect(await store.has(key)).toBe(false);
    await store.delete(key); // missing: no error
  });

  it('leaves one complete copy and no temp files after concurrent puts of one hash', async () => {
    const data = Buffer.alloc(2 * 1024 * 1024, 7);
    const key = sha(data);
    await Promise.all(Array.from({ length: 16 }, () => store.put(key, data)));
    // Buffer#equals: vitest's deep equality walks 2 MiB byte by byte.
    expect((await store.get(key))?.equals(data)).toBe(true);
    const dir = join(root, 'blobs', key.slice(0, 2), key.slice(2, 4));
    expect(readdirSync(dir)).toEqual([key]);
  });

  it('refuses keys that are not SHA-256 hex (no path tricks)', async () => {
    await expect(store.get('../../etc/passwd')).rejects.toThrow(/SHA-256/);
    await expect(store.put('A'.repeat(64), Buffer.from('x'))).rejects.toThrow(/SHA-256/);
  });
});
