import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialect } from '../../test/test-env';
import type { AuditEntry } from './audit.types';
import type { AuditLogRow } from './audit-chain';
import { type AuditTestDb, openAuditTestDb, readRows, resetAudit, tamper } from './testing/audit-test-db';

const text = (max: number) => fc.string({ minLength: 1, maxLength: max, unit: 'grapheme' });
const entry: fc.Arbitrary<AuditEntry> = fc.record({
  at: fc.option(fc.integer({ min: 0, max: 4_102_444_800_000 }), { nil: undefined }),
  actorType: fc.constantFrom('staff', 'citizen', 'admin', 'system', 'anonymous'),
  actorId: fc.option(text(20), { nil: null }),
  action: fc.constantFrom('auth.login', 'auth.lockout', 'role.grant', 'pii.reveal', 'case.decide'),
  objectType: fc.option(text(10), { nil: undefined }),
  objectId: fc.option(text(30), { nil: null }),
  result: fc.constantFrom('success', 'failure', 'denied'),
  ip: fc.option(fc.ipV4(), { nil: null }),
  requestId: fc.option(fc.uuid(), { nil: undefined }),
  details: fc.option(
    fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
    {
      nil: null,
    },
  ),
});
/** Appends in random groups: one by one, concurrently (group append), or as one appendMany. */
const batches = fc.array(
  fc.tuple(fc.constantFrom('one', 'concurrent', 'many'), fc.array(entry, { minLength: 1, maxLength: 5 })),
  {
    minLength: 1,
    maxLength: 5,
  },
);

const EDITABLE: (keyof AuditLogRow)[] = [
  'id',
  'at',
  'actor_type',
  'actor_id',
  'action',
  'object_type',
  'object_id',
  'result',
  'ip',
  'request_id',
  'details',
  'prev_hash',
  'hash',
];

type Mutation =
  | { kind: 'edit'; pick: number; column: keyof AuditLogRow; value: string }
  | { kind: 'delete'; pick: number }
  | { kind: 'insert'; pick: number }
  | { kind: 'swap'; pick: number; other: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('edit' as const),
    pick: fc.nat(),
    column: fc.constantFrom(...EDITABLE),
    value: fc.stringMatching(/^[0-9a-f]{1,12}$/),
  }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), pick: fc.nat(), other: fc.nat() }),
);

describe(`audit chain properties (${dialect})`, () => {
  let t: AuditTestDb;
  beforeAll(async () => {
    // Random text may look like a phone number; masking keeps the property about the chain.
    t = await openAuditTestDb({ pii: 'mask' });
  });
  afterAll(async () => t?.close());

  it('verifies any sequence of appends, and names the first bad seq after any single mutation', async () => {
    await fc.assert(
      fc.asyncProperty(batches, mutation, async (groups, m) => {
        await resetAudit(t.db);
        for (const [how, entries] of groups) {
          if (how === 'many') await t.log.appendMany(entries);
          else if (how === 'concurrent') await Promise.all(entries.map((e) => t.log.append(e)));
          else for (const e of entries) await t.log.append(e);
        }
        const rows = await readRows(t.db);
        const n = groups.flatMap(([, e]) => e).length;
        expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
        expect(await t.log.verify({ pageSize: 3 })).toMatchObject({ ok: true, checked: n });

        const seq = (m.pick % n) + 1;
        let expected: { seq: number; reason: string };
        if (m.kind === 'edit') {
          const old = rows[seq - 1]![m.column];
          const value = m.column === 'at' ? Number(old) + 1 + (Number.parseInt(m.value, 16) % 1000) : m.value;
          const changed = value === old ? `${value}0` : value;
          await tamper.edit(
            t.db,
            seq,
            m.column,
            m.column === 'details' ? JSON.stringify({ v: changed }) : changed,
          );
          expected = { seq, reason: 'edited' };
        } else if (m.kind === 'delete') {
          await tamper.delete(t.db, seq);
          expected = { seq, reason: 'deleted' };
        } else if (m.kind === 'insert') {
          await tamper.insert(t.db, seq);
          expected = { seq, reason: 'inserted' };
        } else {
          const other = (m.other % n) + 1;
          if (other === seq) return;
          await tamper.swap(t.db, Math.min(seq, other), Math.max(seq, other));
          expected = { seq: Math.min(seq, other), reason: 'reordered' };
        }
        const result = await t.log.verify({ pageSize: 3 });
        expect(result.ok).toBe(false);
        expect(result.firstBad).toMatchObject(expected);
      }),
      { numRuns: dialect === 'mysql' ? 60 : 150 },
    );
  });
});
