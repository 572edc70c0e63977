import { describe, expect, it } from 'vitest';
import { orderedId } from './ordered-id';

describe('orderedId', () => {
  it('is a UUIDv7 whose text sorts in creation order, also within one millisecond and past 4096 of them', () => {
    const ids = Array.from({ length: 10_000 }, () => orderedId(1_800_000_000_000));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids.slice(0, 50)) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    expect(orderedId() > ids.at(-1)!).toBe(true);
  });
});
