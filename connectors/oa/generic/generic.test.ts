import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OaConnector } from '../port';
import { rejection, SAMPLE_SECRETS, sampleCase } from '../testing';
import { createGenericOaConnector } from './client';
import { verifyGenericOaCallback } from './signature';
import { createGenericOaSimulator, type GenericOaSimulator } from './simulator';

const SECRET = 'generic-oa-secret-0123456789';
let sim: GenericOaSimulator;
let oa: OaConnector;

beforeEach(async () => {
  sim = createGenericOaSimulator({ secret: SECRET, templates: ['TPL'], callbackBackoffMs: 20 });
  const baseUrl = await sim.listen(0);
  oa = createGenericOaConnector({ name: 'hr', baseUrl, secret: SECRET, timeoutMs: 2000 });
});
afterEach(() => sim.close());

/** A gateway-side callback endpoint that answers `statuses` in turn (then 200) and verifies each call. */
async function callbackReceiver(statuses: number[]) {
  const received: { valid: boolean; body: Record<string, unknown> }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      received.push({
        valid: verifyGenericOaCallback(req.headers, raw, SECRET, Date.now(), 300).valid,
        body: JSON.parse(raw.toString()),
      });
      res.statusCode = statuses.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callbacks/oa/generic:hr`;
  return { url, received, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe('generic OA adapter', () => {
  it('push → status → decide → signed callback (retried) → status', async () => {
    const receiver = await callbackReceiver([503, 500]);
    try {
      const res = await fetch(`${sim.url}/__sandbox/callback-url`, {
        method: 'POST',
        body: JSON.stringify({ url: receiver.url, secret: SECRET }),
      });
      expect(res.status).toBe(200);
      const c = sampleCase();
      const { externalId } = await oa.push(c);
      expect(await oa.status(externalId)).toMatchObject({ state: 'running' });
      const decided = await fetch(`${sim.url}/__sandbox/documents/${externalId}/decide`, {
        method: 'POST',
        body: JSON.stringify({ result: 'approved', opinion: '同意', approver: 'wang' }),
      });
      expect(decided.status).toBe(200);
      await sim.callbacksSettled();
      expect(sim.deliveries().map((d) => d.status)).toEqual([503, 500, 200]);
      expect(receiver.received.every((r) => r.valid)).toBe(true);
      expect(receiver.received[2]?.body).toMatchObject({
        externalId,
        caseId: c.caseId,
        state: 'approved',
        opinion: '同意',
      });
      expect(await oa.status(externalId)).toMatchObject({ state: 'approved', approver: 'wang' });
    } finally {
      await receiver.close();
    }
  });

  it('a repeated push returns the same document (the OA dedupes by caseId)', async () => {
    const c = sampleCase();
    const first = await oa.push(c);
    expect(await oa.push(c)).toEqual(first);
    expect(sim.documents()).toHaveLength(1);
    expect(sim.received().at(-1)?.headers['idempotency-key']).toBe(c.caseId);
  });

  it('lists every case through the cursor; a lost case reads as unknown', async () => {
    const ids = [];
    for (let i = 0; i < 55; i += 1) ids.push((await oa.push(sampleCase())).externalId);
    const first = await oa.list?.();
    expect(first?.items).toHaveLength(50);
    const second = await oa.list?.(first?.next);
    expect(second?.items).toHaveLength(5);
    expect(second?.next).toBeUndefined();
    sim.drift(ids[0] as string, { kind: 'lost' });
    expect((await oa.status(ids[0] as string)).state).toBe('unknown');
  });

  it('signature, rate-limit, server and input errors → typed errors', async () => {
    const wrong = createGenericOaConnector({ name: 'hr', baseUrl: sim.url, secret: 'other' });
    const refused = await rejection(wrong.push(sampleCase()));
    expect(refused).toMatchObject({ kind: 'permanent', code: 'INVALID_SIGNATURE', status: 401 });
    sim.setFault({ path: '/cases', error: 'rateLimited' });
    expect(await rejection(oa.push(sampleCase()))).toMatchObject({
      kind: 'rateLimited',
      code: 'RATE_LIMITED',
      retryAfterMs: 2000,
    });
    sim.setFault({ path: '/cases', error: 'serverError' });
    expect(await rejection(oa.push(sampleCase()))).toMatchObject({ kind: 'retryable', code: 'INTERNAL' });
    expect(await rejection(oa.push(sampleCase({ template: 'NOPE' })))).toMatchObject({
      kind: 'permanent',
      code: 'UNKNOWN_TEMPLATE',
    });
    sim.advanceClock(3600);
    expect(await rejection(oa.push(sampleCase()))).toMatchObject({
      kind: 'permanent',
      code: 'STALE_TIMESTAMP',
    });
    for (const secret of [...SAMPLE_SECRETS, SECRET]) expect(String(refused)).not.toContain(secret);
  });

  it('the simulator refuses a replayed request', async () => {
    await oa.push(sampleCase());
    const last = sim.received().at(-1);
    const replay = await fetch(`${sim.url}/cases`, {
      method: 'POST',
      headers: Object.fromEntries(
        Object.entries(last?.headers ?? {}).filter(([k]) => k.startsWith('x-gcrm-') || k === 'content-type'),
      ),
      body: last?.body ?? '',
    });
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ code: 'REPLAYED_NONCE' });
  });

  it('rate-limits with 429 and Retry-After', async () => {
    const limited = createGenericOaSimulator({ secret: SECRET, callsPerMinute: 2 });
    const client = createGenericOaConnector({ name: 'x', baseUrl: await limited.listen(0), secret: SECRET });
    try {
      await client.push(sampleCase());
      await client.push(sampleCase());
      expect(await rejection(client.push(sampleCase()))).toMatchObject({
        kind: 'rateLimited',
        retryAfterMs: 60_000,
      });
    } finally {
      await limited.close();
    }
  });
});
