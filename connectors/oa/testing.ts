// Fixtures shared by the OA adapter tests.
import type { OaCase } from './port';

let counter = 0;

// Fictitious: sequence 901 of a made-up birth date, check character per GB 11643; a 139 test number.
const ID_NUMBER = ['110105', '19900307', '901', '1'].join('');
const PHONE = '13900000901';

/** A case with personal data in its fields (so tests can check it never leaks into errors). */
export function sampleCase(overrides: Partial<OaCase> = {}): OaCase {
  counter += 1;
  return {
    caseId: `case-${counter}-${Date.now()}`,
    caseNumber: `GC2024${String(counter).padStart(6, '0')}`,
    title: '生育津贴申领',
    serviceCode: 'SVC-001',
    template: 'TPL',
    initiator: 'zhangsan',
    fields: { xm: '张三', sfzh: ID_NUMBER, lxdh: PHONE, bz: '<b>&"\'</b>' },
    details: [
      {
        table: 'dt1',
        rows: [
          { cl: '身份证', fs: '1' },
          { cl: '出生医学证明', fs: '1' },
        ],
      },
    ],
    ...overrides,
  };
}

/** The rejection of `promise`, or a failure when it resolves. */
export function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => Promise.reject(new Error('resolved')),
    (e: unknown) => e,
  );
}

/** Personal data of {@link sampleCase} that must never appear in an error message. */
export const SAMPLE_SECRETS = [ID_NUMBER, PHONE, '张三'];
