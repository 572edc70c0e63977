import { randomBytes } from 'node:crypto';
import { loadCatalog } from '@gcrm/config/catalog';
import { describe, expect, it } from 'vitest';
import { samples } from '../../test/form-samples';
import { FormEngine } from '../catalog';
import { BlindIndex, ConfigKeyProvider, FieldCipher, MemoryKeyStore } from '../platform/crypto';
import { createAjv } from '../platform/validation/ajv';
import { FormPii } from './form-pii';

const catalog = loadCatalog();
const ajv = createAjv();
const engine = (key: string) => new FormEngine(catalog.forms.get(key)!, ajv);

async function pii() {
  const provider = new ConfigKeyProvider({
    masterKeys: { m1: randomBytes(32).toString('hex') },
    activeMasterKeyId: 'm1',
  });
  const cipher = await FieldCipher.open({ provider, store: new MemoryKeyStore() });
  return new FormPii(cipher, new BlindIndex(randomBytes(32)));
}

describe('personal data inside form data', () => {
  for (const key of ['business-start@1', 'newborn@1']) {
    it(`${key}: every sensitive value at any depth is sealed, opened back and masked on the way out`, async () => {
      const form = engine(key);
      const data = samples[key]!;
      const values = form.sensitiveValues(data);
      expect(values.length).toBeGreaterThan(2);
      const p = await pii();
      const place = { table: 'cases', rowId: 'case-1' };
      const sealed = p.seal(place, form, data);
      for (const v of form.sensitiveValues(sealed)) expect(v.value).toMatch(/^v1\.[0-9a-f]{8}\./);
      const text = JSON.stringify(sealed);
      for (const v of values.filter((x) => x.kind !== 'address')) expect(text).not.toContain(v.value);
      expect(p.open(place, form, sealed)).toEqual(data);
      // Bound to its row: the same ciphertext does not open for another case.
      expect(() => p.open({ table: 'cases', rowId: 'case-2' }, form, sealed)).toThrow();
      for (const v of form.sensitiveValues(form.mask(data))) expect(v.value).toContain('*');
      // Masked values sent back as they were shown stand for the full ones.
      expect(form.unmask(form.mask(data), data)).toEqual(data);
      const digests = p.digests(form, data);
      expect(digests.every((d) => d.kind !== 'address')).toBe(true);
      expect(digests.length).toBe(values.filter((v) => v.kind !== 'address').length);
    });
  }

  it('finds the ID numbers of shareholders (inside an array) and the addresses', () => {
    const form = engine('business-start@1');
    const keys = form.sensitiveValues(samples['business-start@1']!).map((v) => `${v.key}:${v.kind}`);
    expect(keys).toContain('shareholders.0.idNumber:id-number');
    expect(keys.some((k) => k.endsWith(':address'))).toBe(true);
    expect(form.isSensitiveKey('shareholders.3.idNumber')).toBe(true);
    expect(form.isSensitiveKey('shareholders.x.idNumber')).toBe(false);
  });
});
