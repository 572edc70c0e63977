import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('GroupCommit', () => {
  it('writes a lone item at once, in a batch of one', async () => {
    const batches: number[][] = [];
    const gc = new GroupCommit<number, string>(
      async (items) => {
        batches.push(items);
        return items.map(String);
      },
      {
        maxBatch: 10,
        concurrency: 1,
      },
    );
    expect(await gc.add(1)).toBe('1');
    expect(batches).toEqual([[1]]);
  });

  it('gathers items that arrive in the same turn or while a batch is in flight, in order, up to maxBatch', async () => {
    const batches: number[][] = [];
    const gc = new GroupCommit<number, number>(
      async (items) => {
        batches.push(items);
        await tick();
        return items.map((n) => n * 2);
      },
      { maxBatch: 4, concurrency: 1 },
    );
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => gc.add(i)));
    expect(results).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    expect(batches).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
    // One arriving while a batch is being written waits for the next batch.
    batches.length = 0;
    const first = gc.add(100);
    await new Promise((r) => setImmediate(r));
    await Promise.all([first, gc.add(101), gc.add(102)]);
    expect(batches).toEqual([[100], [101, 102]]);
  });

  it('gives a failed batch its error and goes on with the next', async () => {
    let calls = 0;
    const gc = new GroupCommit<number, number>(
      async (items) => {
        calls++;
        await tick();
        if (items.includes(2)) throw new Error('boom');
        return items;
      },
      { maxBatch: 2, concurrency: 1 },
    );
    const outcomes = await Promise.allSettled([1, 2, 3, 4, 5].map((n) => gc.add(n)));
    // Batches [1, 2] (fails), [3, 4] and [5].
    expect(outcomes.map((o) => o.status)).toEqual([
      'rejected',
      'rejected',
      'fulfilled',
      'fulfilled',
      'fulfilled',
    ]);
    expect(calls).toBe(3);
  });

  it('runs at most `concurrency` batches at a time', async () => {
    let running = 0;
    let peak = 0;
    const gc = new GroupCommit<number, number>(
      async (items) => {
        peak = Math.max(peak, ++running);
        await tick();
        running--;
        return items;
      },
      { maxBatch: 1, concurrency: 3 },
    );
    await Promise.all(Array.from({ length: 20 }, (_, i) => gc.add(i)));
    expect(peak).toBe(3);
  });
});
