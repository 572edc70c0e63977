import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialect } from '../../gateway/test/test-env';
import { startTestGateway, type TestGateway } from '../../gateway/test/test-gateway';

// One URL for everything: the gateway serves the built H5 app beside its API, and the deep links in
// DingTalk todos and WeCom cards open the task inside it.
describe(`the H5 app served by the gateway (${dialect})`, () => {
  let t: TestGateway;
  let empty: TestGateway;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gcrm-h5-'));
    mkdirSync(join(dir, 'js'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>G-CRM</title><div id="app"></div>');
    writeFileSync(
      join(dir, 'js', 'app.0f3a9c1e.js'),
      `console.log(${JSON.stringify('政务服务'.repeat(400))})`,
    );
    t = await startTestGateway({ WEB_DIR: dir });
    empty = await startTestGateway({ WEB_DIR: mkdtempSync(join(tmpdir(), 'gcrm-h5-none-')) });
  });
  afterAll(async () => {
    await t?.stop();
    await empty?.stop();
  });

  it('serves the app, caches hashed files, never the index, and leaves the API alone', async () => {
    const index = await fetch(`${t.url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(await index.text()).toContain('<div id="app">');
    const script = await fetch(`${t.url}/js/app.0f3a9c1e.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('cache-control')).toMatch(/max-age=31536000.*immutable/);
    expect(script.headers.get('content-encoding')).toBe('gzip');
    const api = await fetch(`${t.url}/api/v1/services`);
    expect(api.headers.get('content-type')).toMatch(/json/);
    expect((await fetch(`${t.url}/no-such-file.js`)).status).toBe(404);
    expect((await fetch(`${t.url}/../package.json`)).status).toBe(404);
  });

  it('opens a task link from DingTalk or WeCom inside the app', async () => {
    const id = randomUUID();
    const link = await fetch(`${t.url}/staff/tasks/${id}`, { redirect: 'manual' });
    expect(link.status).toBe(302);
    expect(link.headers.get('location')).toBe(`/#/staff/task/index?id=${id}`);
  });

  it('says how to build the app when there is no build', async () => {
    const page = await fetch(`${empty.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('npm run build:mp');
  });
});
