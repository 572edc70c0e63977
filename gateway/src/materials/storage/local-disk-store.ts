import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { assertSha256, type BlobStore } from './blob-store';

/**
 * A {@link BlobStore} on the local file system: `<root>/ab/cd/<sha256>`, files mode 0600, directories
 * 0700. A put writes a temporary file beside the target, fsyncs it and renames it into place, so a
 * reader sees either nothing or the whole blob, and a crash leaves at most a stray `.tmp-*` file.
 * Suits a single instance (or a shared volume); several hosts need a shared store (S3-compatible).
 *
 * @param root the blob directory, e.g. `join(config.dataDir, 'blobs')`
 */
export function createLocalDiskStore(root: string): BlobStore {
  const pathOf = (sha256: string) => {
    assertSha256(sha256);
    return join(root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  };

  const has = async (sha256: string) => {
    try {
      return (await stat(pathOf(sha256))).isFile();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  };

  return {
    has,

    async put(sha256, data) {
      const target = pathOf(sha256);
      if (await has(sha256)) return;
      const dir = join(target, '..');
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const temp = join(dir, `.tmp-${sha256.slice(0, 8)}-${randomBytes(6).toString('hex')}`);
      try {
        const handle = await open(temp, 'wx', 0o600);
        try {
          await handle.writeFile(data);
          await handle.sync();
        } finally {
          await handle.close();
        }
        // rename(2) replaces atomically: concurrent puts of one hash each install a complete copy.
        await rename(temp, target);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
    },

    async get(sha256) {
      try {
        return await readFile(pathOf(sha256));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },

    async delete(sha256) {
      await rm(pathOf(sha256), { force: true });
    },
  };
}
