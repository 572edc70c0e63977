import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotatePersonalData } from '../../gateway/src/cases/pii-rotation';
import { openFieldCipher } from '../../gateway/src/platform/crypto';
import { createDatabase, type Database } from '../../gateway/src/platform/db/database';
import { dialect } from '../../gateway/test/test-env';
import { startTestGateway, type TestGateway, validApplication } from '../../gateway/test/test-gateway';
import { call } from '../support/http';

const kidsIn = (text: string) => [...new Set([...text.matchAll(/"v1\.([0-9a-f]{8})\./g)].map((m) => m[1]))];

describe(`key rotation of personal data at rest (${dialect})`, () => {
  let t: TestGateway;
  let database: Database;
  beforeAll(async () => {
    t = await startTestGateway();
    database = createDatabase(t.env.config.database);
  });
  afterAll(async () => {
    await database?.close();
    await t?.stop();
  });

  const stored = async () =>
    JSON.stringify([
      ...(await sql`SELECT form_data FROM cases`.execute(database.db)).rows,
      ...(await sql`SELECT form_data FROM case_drafts`.execute(database.db)).rows,
    ]);

  it('re-encrypts every sealed value under a new key, resumably and idempotently; the data still reads', async () => {
    const citizen = await t.login('o-rotation');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await call(`${t.url}/api/v1/cases`, {
        token: citizen.accessToken,
        headers: { 'idempotency-key': randomUUID() },
        body: validApplication(),
      });
      ids.push(res.body.id);
    }
    await call(`${t.url}/api/v1/drafts/hrss.maternity-allowance`, {
      method: 'PUT',
      token: citizen.accessToken,
      body: { formData: validApplication().formData, channel: 'wechat' },
    });
    const [oldKid] = kidsIn(await stored());
    expect(oldKid).toBeDefined();

    const cipher = await openFieldCipher(database.db, t.env.config);
    const newKid = await cipher.keys.rotate();
    // A run stopped after its first page resumes where it stopped.
    let pages = 0;
    await rotatePersonalData(database.db, cipher, { batch: 2, stop: () => pages++ >= 1 });
    const resumed = await rotatePersonalData(database.db, cipher, { batch: 2 });
    expect(resumed[0]!.resumedFrom).not.toBeNull();
    expect(kidsIn(await stored())).toEqual([newKid]);
    const again = await rotatePersonalData(database.db, cipher, { batch: 2, restart: true });
    expect(again.map((r) => r.values)).toEqual([0, 0, 0]);

    // The running gateway picks the new key up from the database and still shows the cases.
    const first = await call(`${t.url}/api/v1/cases/${ids[0]}`, { token: citizen.accessToken });
    if (first.status !== 200) expect(first.body.code).toBe('keys_reloading'); // a retry in a moment works
    const read = () => call(`${t.url}/api/v1/cases/${ids[0]}`, { token: citizen.accessToken });
    await expect.poll(async () => (await read()).status).toBe(200);
    const shown = await read();
    expect(shown.body.formData.idNumber).toMatch(/^\d{3}\*+/);
    const draft = await call(`${t.url}/api/v1/drafts/hrss.maternity-allowance`, {
      token: citizen.accessToken,
    });
    expect(draft.status).toBe(200);
  });
});
