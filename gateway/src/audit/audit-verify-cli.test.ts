import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { sm2 } from 'sm-crypto-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialect } from '../../test/test-env';
import { sm2Signer } from './audit-chain';
import { runAuditVerify } from './audit-verify-cli';
import { type AuditTestDb, openAuditTestDb, staffEntry, tamper } from './testing/audit-test-db';

const keys = sm2.generateKeyPairHex();

describe(`audit:verify CLI (${dialect})`, () => {
  let t: AuditTestDb;
  const run = async (args: string[], extra: Record<string, string> = {}) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runAuditVerify(args, {
      env: { DATABASE_URL: t.env.env.DATABASE_URL, ...extra },
      out: (l) => out.push(l),
      err: (l) => err.push(l),
    });
    return { code, out, err };
  };

  beforeAll(async () => {
    t = await openAuditTestDb();
    await t.log.appendMany(Array.from({ length: 6 }, (_, i) => staffEntry(i)));
    await t.log.checkpoint(sm2Signer(keys.privateKey));
  });
  afterAll(async () => t?.close());

  it('passes a sound chain, reading the key from the environment or a file', async () => {
    const ok = await run([], { AUDIT_SM2_PUBLIC_KEYS: keys.publicKey });
    expect(ok).toMatchObject({ code: 0, err: [] });
    expect(ok.out[0]).toContain('审计日志校验通过：已校验 6 条记录');
    expect(ok.out[1]).toContain('Audit log OK: 6 row(s) checked, 1 checkpoint(s), signatures verified');
    const file = join(t.env.dataDir, 'audit-keys.txt');
    writeFileSync(file, `# audit checkpoint keys\n${keys.publicKey}\n`);
    expect((await run(['--json'], { AUDIT_SM2_PUBLIC_KEYS_FILE: file })).out).toEqual([
      expect.stringContaining('"ok":true'),
    ]);
  });

  it('refuses to pass checkpoints it cannot check, unless told to', async () => {
    expect(await run([])).toMatchObject({ code: 2 });
    expect(await run(['--skip-signatures'])).toMatchObject({ code: 0 });
    expect(await run([], { AUDIT_SM2_PUBLIC_KEYS: 'abc' })).toMatchObject({ code: 2 });
    expect(await run(['--from', 'x'], { AUDIT_SM2_PUBLIC_KEYS: keys.publicKey })).toMatchObject({ code: 2 });
  });

  it('reports a missing SQLite file rather than creating one', async () => {
    const missing = await runAuditVerify([], {
      env: { DATABASE_URL: `sqlite:${join(t.env.dataDir, 'none', 'gcrm.sqlite')}` },
      out: () => {},
      err: () => {},
    });
    expect(missing).toBe(2);
  });

  it('exits 1 naming the first bad row', async () => {
    await tamper.edit(t.db, 3, 'result', 'failure');
    const bad = await run([], { AUDIT_SM2_PUBLIC_KEYS: keys.publicKey });
    expect(bad.code).toBe(1);
    expect(bad.out[0]).toContain('第一条异常记录 seq 3，内容被篡改');
    expect(bad.out[1]).toContain('first bad row seq 3 (edited');
    await sql`update audit_log set result = 'success' where seq = 3`.execute(t.db);
    expect((await run([], { AUDIT_SM2_PUBLIC_KEYS: keys.publicKey })).code).toBe(0);
  });
});
