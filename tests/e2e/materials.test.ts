/**
 * Materials over HTTP. The lead wires the context into gateway.ts afterwards; until then this suite
 * mounts it on a harness assembled like gateway.ts (ApiRegistry + requestContext + errorHandler, a
 * test database of the current dialect, blobs under the test data dir) with a stand-in for the
 * citizen authentication (`Authorization: Bearer <citizenId>`).
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Router from '@koa/router';
import fc from 'fast-check';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLocalDiskStore,
  type MaterialsOptions,
  MaterialsRepository,
  MaterialsService,
  materialsMigrations,
  materialsRoutes,
} from '../../gateway/src/materials';
import { exe, jpeg, ofd, pdf, png } from '../../gateway/src/materials/testing/fixtures';
import { createDatabase, type Database } from '../../gateway/src/platform/db/database';
import { migrate } from '../../gateway/src/platform/db/migrate';
import { inTransaction } from '../../gateway/src/platform/db/transaction';
import { AppError, errors } from '../../gateway/src/platform/errors';
import { errorHandler } from '../../gateway/src/platform/http/error-handler';
import { buildOpenApi } from '../../gateway/src/platform/http/openapi';
import { requestContext } from '../../gateway/src/platform/http/request-context';
import { ApiRegistry } from '../../gateway/src/platform/http/route';
import { createLogger } from '../../gateway/src/platform/logger';
import { createAjv } from '../../gateway/src/platform/validation/ajv';
import { createTestEnv, dialect, type TestEnv } from '../../gateway/test/test-env';
import { call } from '../support/http';

const MiB = 1024 * 1024;
const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';

interface Harness {
  url: string;
  env: TestEnv;
  database: Database;
  service: MaterialsService;
  blobsDir: string;
  stop(): Promise<void>;
}

async function startHarness(options: MaterialsOptions = {}): Promise<Harness> {
  const env = await createTestEnv();
  const database = createDatabase(env.config.database);
  await migrate(database.db, materialsMigrations);
  const blobsDir = join(env.dataDir, 'blobs');
  let clock = Date.now();
  const service = new MaterialsService(new MaterialsRepository(database.db), createLocalDiskStore(blobsDir), {
    now: () => clock++,
    limitFor: (serviceCode, field) =>
      serviceCode === 'test.photo-service' && field === 'photo'
        ? { maxSizeKb: 1, accept: ['png', 'jpg'], materialCode: 'id-photo' }
        : undefined,
    scanner: {
      scan: async (data) => {
        if (data.includes('SCANNER-DOWN')) throw new Error('clamd unreachable');
        return data.includes(EICAR) ? { clean: false, reason: 'Eicar-Test-Signature' } : { clean: true };
      },
    },
    ...options,
  });
  const registry = new ApiRegistry({
    ajv: createAjv(),
    queryAjv: createAjv({ coerceTypes: true }),
    bodyLimit: 64 * 1024,
    // Stand-in for identity's authenticateCitizen: the token is the citizen id.
    authenticate: async (ctx, next) => {
      const match = /^Bearer (\S+)$/.exec(ctx.get('Authorization'));
      if (!match) throw errors.unauthorized();
      ctx.state.citizen = { id: match[1], sessionId: 's' };
      await next();
    },
    authenticateAdmin: async () => {
      throw errors.forbidden();
    },
    authenticateStaff: async () => {
      throw errors.unauthorized();
    },
  });
  materialsRoutes(registry.withPrefix('/api/v1'), service);
  registry.define({
    method: 'get',
    path: '/api/v1/openapi.json',
    operationId: 'openapi',
    summary: 'OpenAPI',
    tags: ['ops'],
    auth: 'none',
    responses: { 200: { description: 'doc' } },
    handler: async (ctx) => {
      ctx.body = buildOpenApi(registry, { title: 't', version: '1' });
    },
  });
  const router = new Router();
  registry.mount(router);
  const log = createLogger('silent');
  const app = new Koa();
  app.use(requestContext(log));
  app.use(errorHandler(log));
  app.use(async (ctx, next) => {
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Cache-Control', 'no-store');
    await next();
  });
  app.use(router.routes());
  app.use(router.allowedMethods());
  app.on('error', () => {});
  const server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    env,
    database,
    service,
    blobsDir,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await database.close();
      await env.cleanup();
    },
  };
}

type Part = { name: string; value: string } | { name: string; filename: string; type?: string; data: Buffer };

/** A multipart/form-data body as a browser sends it (file names raw UTF-8). */
function multipart(parts: Part[]): { body: Buffer; contentType: string } {
  const boundary = `----gcrm${randomUUID().replaceAll('-', '')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\n`));
    if ('value' in part) {
      chunks.push(
        Buffer.from(`Content-Disposition: form-data; name="${part.name}"\r\n\r\n${part.value}\r\n`),
      );
    } else {
      chunks.push(
        Buffer.from(
          `Content-Disposition: form-data; name="${part.name}"; filename="${part.filename}"\r\n` +
            `Content-Type: ${part.type ?? 'application/octet-stream'}\r\n\r\n`,
        ),
        part.data,
        Buffer.from('\r\n'),
      );
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe(`materials over HTTP (${dialect})`, () => {
  let h: Harness;
  const alice = randomUUID();
  const bob = randomUUID();

  const upload = async (
    citizen: string,
    file: { data: Buffer; filename?: string; type?: string } | null,
    fields: Record<string, string> = {},
    query = '',
    harness: Harness = h,
  ) => {
    const parts: Part[] = Object.entries(fields).map(([name, value]) => ({ name, value }));
    if (file) parts.push({ name: 'file', filename: file.filename ?? 'file.bin', ...file });
    const { body, contentType } = multipart(parts);
    const res = await fetch(`${harness.url}/api/v1/materials${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${citizen}`, 'content-type': contentType },
      body,
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };
  const get = (citizen: string, path: string) =>
    call(`${h.url}/api/v1${path}`, { token: citizen, method: 'GET' });
  const del = (citizen: string, path: string) =>
    call(`${h.url}/api/v1${path}`, { token: citizen, method: 'DELETE' });
  const blobExists = (hash: string, harness = h) =>
    existsSync(join(harness.blobsDir, hash.slice(0, 2), hash.slice(2, 4), hash));

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.stop());

  it('stores an upload (201) and answers the same bytes again with the existing material (200)', async () => {
    const data = pdf('first');
    const created = await upload(
      alice,
      { data, filename: '出生医学证明.pdf', type: 'application/pdf' },
      {
        materialCode: 'birth-medical-certificate',
      },
    );
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      kind: 'pdf',
      mime: 'application/pdf',
      sizeBytes: data.length,
      name: '出生医学证明.pdf',
      materialCode: 'birth-medical-certificate',
      sha256: sha(data),
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      inUse: false,
      reused: false,
    });
    expect(created.headers.get('location')).toBe(`/api/v1/materials/${created.body.id}`);

    const again = await upload(
      alice,
      { data, filename: 'renamed.pdf' },
      {
        materialCode: 'birth-medical-certificate',
      },
    );
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...created.body, reused: true });

    // Another guide material is another row; Bob's copy is his own row; the blob exists once.
    const otherCode = await upload(alice, { data }, { materialCode: 'discharge-summary' });
    expect(otherCode.status).toBe(201);
    const bobs = await upload(bob, { data, filename: 'x.pdf' });
    expect(bobs.status).toBe(201);
    expect(bobs.body.id).not.toBe(created.body.id);
    const dir = join(h.blobsDir, sha(data).slice(0, 2), sha(data).slice(2, 4));
    expect(readdirSync(dir)).toEqual([sha(data)]);
  });

  it('judges the type by the bytes, never by the name or Content-Type', async () => {
    const image = await upload(alice, { data: png(1), filename: 'scan.pdf', type: 'application/pdf' });
    expect(image.status).toBe(201);
    expect(image.body).toMatchObject({ kind: 'png', mime: 'image/png', name: 'scan.png' });
    const photo = await upload(alice, { data: jpeg(), filename: 'photo', type: 'text/plain' });
    expect(photo.body).toMatchObject({ kind: 'jpg', mime: 'image/jpeg', name: 'photo.jpg' });
    const doc = await upload(alice, { data: ofd(), filename: '电子证照.zip', type: 'application/zip' });
    expect(doc.body).toMatchObject({ kind: 'ofd', name: '电子证照.ofd' });

    const program = await upload(alice, { data: exe(), filename: 'invoice.pdf', type: 'application/pdf' });
    expect(program.status).toBe(415);
    expect(program.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(program.body.code).toBe('material_type_not_allowed');
    expect(program.body.detail).toContain('PDF 文档');
    expect(program.body.detail).toContain('OFD 版式文档');
    const text = await upload(alice, {
      data: Buffer.from('hello, I am text'),
      filename: 'photo.png',
      type: 'image/png',
    });
    expect(text.status).toBe(415);
  });

  it("applies the form field's limits: accepted kinds, size, default material code", async () => {
    const q = '?serviceCode=test.photo-service&field=photo';
    const wrongKind = await upload(alice, { data: pdf('photo?') }, {}, q);
    expect(wrongKind.status).toBe(415);
    expect(wrongKind.body.detail).toMatch(/PNG 图片、JPG 图片$/);
    const big = png(2);
    const tooBig = await upload(alice, { data: Buffer.concat([big, Buffer.alloc(2000)]) }, {}, q);
    expect(tooBig.status).toBe(413);
    expect(tooBig.body).toMatchObject({ code: 'material_too_large' });
    expect(tooBig.body.detail).toContain('1 KB');
    // The same limit when the field is named in the form (before or after the file part).
    const inForm = await upload(
      alice,
      { data: Buffer.concat([big, Buffer.alloc(2000)]) },
      { serviceCode: 'test.photo-service', field: 'photo' },
    );
    expect(inForm.status).toBe(413);
    const ok = await upload(alice, { data: big, filename: '证件照.png' }, {}, q);
    expect(ok.status).toBe(201);
    expect(ok.body.materialCode).toBe('id-photo');
    const half = await upload(alice, { data: big }, {}, '?serviceCode=test.photo-service');
    expect(half.status).toBe(400);
    expect(half.body.errors[0]).toMatchObject({ parameter: 'field' });
  });

  it('refuses a file over the default 10 MB limit with 413, and over 20 MB by Content-Length alone', async () => {
    const large = Buffer.concat([pdf('large'), Buffer.alloc(11 * MiB)]);
    const res = await upload(alice, { data: large });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('material_too_large');
    expect(res.body.detail).toContain('10 MB');
    expect(res.body.title).toMatch(/[\u4e00-\u9fa5]/);

    const huge = await fetch(`${h.url}/api/v1/materials`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${alice}`,
        'content-type': 'multipart/form-data; boundary=x',
      },
      body: Buffer.alloc(21 * MiB),
    }).catch((error) => error as Error);
    // Answered before the body is read; depending on timing the client sees the 413 or a reset.
    if (huge instanceof Response) {
      expect(huge.status).toBe(413);
      expect(((await huge.json()) as any).detail).toContain('20 MB');
    }
  });

  it('stops reading an oversized upload early: the 413 arrives while the client is still sending', async () => {
    const boundary = 'gcrmstream';
    const url = new URL(`${h.url}/api/v1/materials`);
    const total = 60 * MiB;
    const result = await new Promise<{ status: number; body: string; sentBeforeResponse: number }>(
      (resolve, reject) => {
        let sent = 0;
        let sentBeforeResponse = -1;
        const req = request(
          {
            host: url.hostname,
            port: url.port,
            path: url.pathname,
            method: 'POST',
            headers: {
              authorization: `Bearer ${alice}`,
              'content-type': `multipart/form-data; boundary=${boundary}`,
              'transfer-encoding': 'chunked', // no Content-Length: the limit must hold while streaming
            },
          },
          (res) => {
            sentBeforeResponse = sent;
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (c) => {
              body += c;
            });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body, sentBeforeResponse }));
          },
        );
        req.on('error', (error) => {
          if (sentBeforeResponse < 0) reject(error);
        });
        req.write(
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n`,
        );
        const chunk = Buffer.alloc(256 * 1024, 0x20);
        const pump = () => {
          while (sent < total && sentBeforeResponse < 0) {
            sent += chunk.length;
            if (!req.write(chunk)) {
              req.once('drain', pump);
              return;
            }
          }
          if (sentBeforeResponse < 0) req.end(`\r\n--${boundary}--\r\n`);
        };
        pump();
      },
    );
    expect(result.status).toBe(413);
    expect(JSON.parse(result.body).code).toBe('material_too_large');
    // The limit is 10 MB; the rest is what socket buffers held when the answer came.
    expect(result.sentBeforeResponse).toBeLessThan(total / 2);
  });

  it('answers 415 to a body that is not multipart, 400 to a broken one or one without a file', async () => {
    const json = await call(`${h.url}/api/v1/materials`, { token: alice, body: { file: 'x' } });
    expect(json.status).toBe(415);
    expect(json.body.code).toBe('multipart_required');
    const bare = await call(`${h.url}/api/v1/materials`, { token: alice, method: 'POST' });
    expect(bare.status).toBe(415);
    const noBoundary = await call(`${h.url}/api/v1/materials`, {
      token: alice,
      raw: 'x',
      headers: { 'content-type': 'multipart/form-data' },
    });
    expect(noBoundary.status).toBe(400);
    expect(noBoundary.body.code).toBe('malformed_multipart');
    const truncated = await call(`${h.url}/api/v1/materials`, {
      token: alice,
      raw: '--b\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.4',
      headers: { 'content-type': 'multipart/form-data; boundary=b' },
    });
    expect(truncated.status).toBe(400);
    expect(truncated.body.code).toBe('malformed_multipart');

    const missing = await upload(alice, null, { materialCode: 'resident-id-card' });
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe('validation_failed');
    expect(missing.body.errors).toEqual([
      expect.objectContaining({ pointer: '/file', code: 'required', message: expect.stringMatching(/文件/) }),
    ]);
    const empty = await upload(alice, { data: Buffer.alloc(0) });
    expect(empty.status).toBe(400);
    expect(empty.body.errors[0].pointer).toBe('/file');

    const { body, contentType } = multipart([
      { name: 'file', filename: 'a.pdf', data: pdf('a') },
      { name: 'file', filename: 'b.pdf', data: pdf('b') },
    ]);
    const two = await fetch(`${h.url}/api/v1/materials`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice}`, 'content-type': contentType },
      body,
    });
    expect(two.status).toBe(400);
    const badCode = await upload(alice, { data: pdf('code') }, { materialCode: '../etc' });
    expect(badCode.status).toBe(400);
    expect(badCode.body.errors[0].pointer).toBe('/materialCode');
    expect((await call(`${h.url}/api/v1/materials`, { method: 'POST' })).status).toBe(401);
  });

  it('refuses infected files (422) and fails closed when the scanner is down (503); nothing is stored', async () => {
    const infected = pdf(EICAR);
    const res = await upload(alice, { data: infected, filename: 'eicar.pdf' });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('material_infected');
    expect(blobExists(sha(infected))).toBe(false);
    const down = await upload(alice, { data: pdf('SCANNER-DOWN') });
    expect(down.status).toBe(503);
    expect(down.body.code).toBe('material_scan_unavailable');
    const list = await get(alice, '/materials');
    expect(list.body.items.map((m: any) => m.sha256)).not.toContain(sha(infected));
  });

  it("lets only the owner read a material: another citizen's answers 404 like a missing one", async () => {
    const data = pdf('private');
    const mine = (await upload(alice, { data, filename: '户口 簿(副本).pdf' })).body;
    const read = await get(alice, `/materials/${mine.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ ...mine, reused: false });
    for (const path of [`/materials/${mine.id}`, `/materials/${mine.id}/content`]) {
      const theirs = await get(bob, path);
      expect(theirs.status).toBe(404);
      expect(theirs.body.code).toBe('material_not_found');
    }
    expect((await del(bob, `/materials/${mine.id}`)).status).toBe(404);
    expect((await get(alice, `/materials/${randomUUID()}`)).status).toBe(404);
    expect((await get(alice, '/materials/not-a-uuid')).status).toBe(404);
    expect((await get(bob, '/materials')).body.items.map((m: any) => m.id)).not.toContain(mine.id);

    const content = await fetch(`${h.url}/api/v1/materials/${mine.id}/content`, {
      headers: { authorization: `Bearer ${alice}` },
    });
    expect(content.status).toBe(200);
    expect(content.headers.get('content-type')).toBe('application/pdf');
    expect(content.headers.get('x-content-type-options')).toBe('nosniff');
    expect(content.headers.get('content-disposition')).toBe(
      `inline; filename="__ _(__).pdf"; filename*=UTF-8''${encodeURIComponent('户口 簿').replace(/\(/g, '%28')}%28%E5%89%AF%E6%9C%AC%29.pdf`,
    );
    expect(Buffer.from(await content.arrayBuffer()).equals(data)).toBe(true);
  });

  it('lists own materials newest first, filtered by material code, for reuse', async () => {
    const carol = randomUUID();
    const a = (await upload(carol, { data: pdf('c1') }, { materialCode: 'resident-id-card' })).body;
    const b = (await upload(carol, { data: png(9) })).body;
    const c = (await upload(carol, { data: pdf('c3') }, { materialCode: 'resident-id-card' })).body;
    const all = await get(carol, '/materials');
    expect(all.status).toBe(200);
    expect(all.body.items.map((m: any) => m.id)).toEqual([c.id, b.id, a.id]);
    const ids = await get(carol, '/materials?materialCode=resident-id-card');
    expect(ids.body.items.map((m: any) => m.id)).toEqual([c.id, a.id]);
    expect((await get(carol, '/materials?materialCode=../x')).status).toBe(400);
  });

  it('deletes unused materials (and the blob once nobody refers to it), but not those used in a case', async () => {
    const dave = randomUUID();
    const erin = randomUUID();
    const shared = pdf('shared');
    const davesCopy = (await upload(dave, { data: shared })).body;
    const erinsCopy = (await upload(erin, { data: shared })).body;
    expect((await del(dave, `/materials/${davesCopy.id}`)).status).toBe(204);
    expect((await get(dave, `/materials/${davesCopy.id}`)).status).toBe(404);
    expect(blobExists(sha(shared))).toBe(true); // Erin still refers to it
    expect((await get(erin, `/materials/${erinsCopy.id}/content`)).status).toBe(200);
    expect((await del(erin, `/materials/${erinsCopy.id}`)).status).toBe(204);
    expect(blobExists(sha(shared))).toBe(false);
    expect((await del(erin, `/materials/${erinsCopy.id}`)).status).toBe(404);

    const used = (await upload(dave, { data: pdf('used') })).body;
    const caseId = randomUUID();
    await inTransaction(h.database.db, (tx) => h.service.attachToCase(tx, dave, [used.id], caseId));
    const refused = await del(dave, `/materials/${used.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('material_in_use');
    expect((await get(dave, `/materials/${used.id}`)).body.inUse).toBe(true);
  });

  it('offers cases ownership checks with pointers, attachment and total size', async () => {
    const frank = randomUUID();
    const one = (await upload(frank, { data: pdf('f1') })).body;
    const two = (await upload(frank, { data: png(77) })).body;
    const bobs = (await upload(bob, { data: pdf('b1') })).body;
    await expect(h.service.assertOwned(frank, [one.id, two.id])).resolves.toBeUndefined();
    const error = await h.service
      .assertOwned(frank, [one.id, bobs.id, 'nope'], ['/formData/a/0', '/formData/a/1', '/formData/b/0'])
      .catch((e) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ status: 400, code: 'validation_failed' });
    expect(error.errors.map((e: any) => e.pointer)).toEqual(['/formData/a/1', '/formData/b/0']);
    await expect(
      inTransaction(h.database.db, (tx) => h.service.attachToCase(tx, frank, [bobs.id], randomUUID())),
    ).rejects.toMatchObject({ code: 'validation_failed' });
    expect((await get(bob, `/materials/${bobs.id}`)).body.inUse).toBe(false);
    expect(await h.service.totalSizeOf([one.id, two.id, one.id])).toBe(one.sizeBytes + two.sizeBytes);
  });

  it('never answers 500 to random bytes with random names and fields', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 2048 }),
        fc.string({ unit: 'grapheme', maxLength: 80 }),
        fc.option(fc.string({ maxLength: 70 }), { nil: undefined }),
        fc.constantFrom('application/pdf', 'image/png', 'text/plain', '', 'application/x-msdownload'),
        async (bytes, filename, materialCode, type) => {
          const fields: Record<string, string> = materialCode === undefined ? {} : { materialCode };
          const res = await upload(randomUUID(), { data: Buffer.from(bytes), filename, type }, fields);
          expect([201, 400, 413, 415]).toContain(res.status);
          if (res.status !== 201) expect(res.body.code).toEqual(expect.any(String));
        },
      ),
      { numRuns: 60 },
    );
    // Some that do sniff as allowed kinds, with hostile names.
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(pdf('z'), png(3), jpeg(), ofd()),
        fc.string({ unit: 'binary', maxLength: 300 }),
        async (data, filename) => {
          const res = await upload(randomUUID(), { data, filename });
          expect(res.status).toBeLessThan(500);
          if (res.status === 201) expect(Array.from(res.body.name as string).length).toBeLessThanOrEqual(125);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('documents every route in OpenAPI, the multipart body included', async () => {
    const doc = (await call(`${h.url}/api/v1/openapi.json`)).body;
    const post = doc.paths['/api/v1/materials'].post;
    expect(post.description).toMatch(/multipart\/form-data/);
    expect(post.responses['201'].content['application/json'].schema.required).toContain('sha256');
    expect(post.responses['413']).toBeDefined();
    expect(post.responses['415']).toBeDefined();
    expect(doc.paths['/api/v1/materials'].get.responses['200'].content).toBeDefined();
    expect(doc.paths['/api/v1/materials/{id}'].delete.responses['409']).toBeDefined();
    expect(doc.paths['/api/v1/materials/{id}/content'].get.parameters[0]).toMatchObject({
      name: 'id',
      in: 'path',
    });
  });
});

describe(`materials quota (${dialect})`, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ quota: { maxCount: 3, maxTotalBytes: 2000 } });
  });
  afterAll(async () => h?.stop());

  const up = async (citizen: string, data: Buffer) => {
    const { body, contentType } = multipart([{ name: 'file', filename: 'q.pdf', data }]);
    const res = await fetch(`${h.url}/api/v1/materials`, {
      method: 'POST',
      headers: { authorization: `Bearer ${citizen}`, 'content-type': contentType },
      body,
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('caps how many materials a citizen keeps, re-uploads still answer 200', async () => {
    const citizen = randomUUID();
    for (const n of [1, 2, 3]) expect((await up(citizen, pdf(`q${n}`))).status).toBe(201);
    const fourth = await up(citizen, pdf('q4'));
    expect(fourth.status).toBe(413);
    expect(fourth.body.code).toBe('material_quota_exceeded');
    expect(fourth.body.detail).toContain('3 份');
    expect((await up(citizen, pdf('q1'))).status).toBe(200);
    // Another citizen has a quota of their own.
    expect((await up(randomUUID(), pdf('q4'))).status).toBe(201);
  });

  it('caps the total size a citizen keeps', async () => {
    const citizen = randomUUID();
    const padded = (n: number) => Buffer.concat([pdf(`big${n}`), Buffer.alloc(800)]);
    expect((await up(citizen, padded(1))).status).toBe(201);
    expect((await up(citizen, padded(2))).status).toBe(201);
    const third = await up(citizen, padded(3));
    expect(third.status).toBe(413);
    expect(third.body.code).toBe('material_quota_exceeded');
    expect(third.body.detail).toMatch(/总大小/);
  });
});
