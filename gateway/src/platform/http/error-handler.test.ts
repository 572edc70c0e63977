import { Writable } from 'node:stream';
import Koa from 'koa';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger';
import { errorHandler } from './error-handler';
import { requestContext } from './request-context';

function app(throwing: () => never) {
  const lines: string[] = [];
  const log = createLogger(
    'debug',
    new Writable({
      write: (chunk, _e, cb) => {
        lines.push(String(chunk));
        cb();
      },
    }),
  );
  const koa = new Koa();
  koa.use(requestContext(log));
  koa.use(errorHandler(log));
  koa.use(async () => throwing());
  koa.on('error', () => {});
  return { koa, lines };
}

async function hit(koa: Koa) {
  const server = koa.listen(0);
  try {
    const { port } = server.address() as { port: number };
    const res = await fetch(`http://127.0.0.1:${port}/x?code=secret-code`);
    return {
      status: res.status,
      type: res.headers.get('content-type'),
      body: (await res.json()) as Record<string, unknown>,
    };
  } finally {
    server.close();
  }
}

describe('errorHandler', () => {
  it('turns an unexpected error into a generic 500 and never shows or logs its message', async () => {
    const { koa, lines } = app(() => {
      throw new Error('row 110105194912310021 phone 13000000000 broke');
    });
    const res = await hit(koa);
    expect(res.status).toBe(500);
    expect(res.type).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'internal_error', title: '服务器内部错误', status: 500 });
    const all = JSON.stringify(res.body) + lines.join('');
    expect(all).not.toContain('110105194912310021');
    expect(all).not.toContain('13000000000');
    expect(all).not.toContain('secret-code');
    expect(lines.join('')).toContain('"errorClass":"Error"');
  });

  it('keeps the request id on the problem and in the log', async () => {
    const { koa, lines } = app(() => {
      throw new TypeError('x');
    });
    const res = await hit(koa);
    expect(res.body.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines.some((l) => l.includes(String(res.body.requestId)))).toBe(true);
  });
});
