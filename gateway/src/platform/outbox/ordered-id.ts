import { randomBytes } from 'node:crypto';

let lastMs = 0;
let counter = 0;

/**
 * A UUIDv7 (RFC 9562) whose text sorts in creation order within this process: 48 bits of epoch
 * milliseconds, then a 12-bit counter that orders ids made in the same millisecond, then random bits.
 * The dispatcher orders messages of one transaction by it (they share `created_at`).
 */
export function orderedId(now: number = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    counter = 0;
  } else if (++counter > 0xfff) {
    // 4096 ids in one millisecond: borrow the next millisecond so that the order still holds.
    lastMs++;
    counter = 0;
  }
  const random = randomBytes(8);
  const hex =
    lastMs.toString(16).padStart(12, '0') +
    (0x7000 | counter).toString(16) +
    ((random[0]! & 0x3f) | 0x80).toString(16).padStart(2, '0') +
    random.subarray(1).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
