import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { clearPiiIn } from '../../gateway/test/pii-scan';
import { fakeIdNumber } from '../../gateway/test/test-gateway';
import { call } from '../support/http';

// The scanner that every suite's API answers and gateway logs go through: it must catch what it is for.
describe('personal-data scanner of answers and logs', () => {
  const id = fakeIdNumber(472, '19791103', '440305');

  it('finds clear ID numbers (valid check character) and mobile numbers, and reports them masked', () => {
    expect(clearPiiIn(`{"idNumber":"${id}","phone":"13912345678"}`)).toEqual([
      `ID ${id.slice(0, 3)}***********${id.slice(-4)}`,
      'phone 139****5678',
    ]);
    expect(clearPiiIn(`masked ${id.slice(0, 3)}***********${id.slice(-4)} 139****5678`)).toEqual([]);
    // Timestamps, case numbers and ids with a wrong check character are not personal numbers.
    expect(clearPiiIn('1764230400000 RS20261127000123 11010519491231002Y 139123456789')).toEqual([]);
  });

  it('makes any API answer holding a clear number fail the test that received it', async () => {
    const server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ phone: '13912345678' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await expect(call(`${base}/api/v1/cases/x`)).rejects.toThrow(
        /clear personal data: phone 139\*\*\*\*5678/,
      );
      // The audited reveal and the citizen's own export may carry full values.
      expect((await call(`${base}/api/v1/staff/cases/x/reveal`)).status).toBe(200);
      expect((await call(`${base}/api/v1/me/data-requests/x/export`)).status).toBe(200);
    } finally {
      server.close();
    }
  });
});
