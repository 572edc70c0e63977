/** Polls `read` every 50 ms until `ok` holds (up to 10 s); throws naming `what` when it never does. */
export async function eventually<T>(
  what: string,
  read: () => Promise<T> | T,
  ok: (v: T) => boolean,
): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await read();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
