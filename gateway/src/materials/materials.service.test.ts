import { describe, expect, it } from 'vitest';
import type { MaterialsRepository } from './materials.repository';
import { HARD_CAP_BYTES, MaterialsService } from './materials.service';
import type { BlobStore } from './storage/blob-store';

const service = (limitFor?: ConstructorParameters<typeof MaterialsService>[2]) =>
  new MaterialsService({} as MaterialsRepository, {} as BlobStore, limitFor);

describe('MaterialsService.resolveLimit', () => {
  it('defaults to 10 MB and every kind when no form field is named', () => {
    expect(service().resolveLimit()).toEqual({
      maxBytes: 10 * 1024 * 1024,
      accept: ['pdf', 'jpg', 'png', 'ofd', 'docx', 'xlsx'],
    });
  });

  it("takes the field's limit, normalises its kinds, and never exceeds the 20 MB hard cap", () => {
    const s = service({
      limitFor: (svc, field) =>
        svc === 's' && field === 'big'
          ? { maxSizeKb: 51200, accept: ['PDF', '.jpeg', 'gif'], materialCode: 'resident-id-card' }
          : svc === 's' && field === 'small'
            ? { maxSizeKb: 500 }
            : undefined,
    });
    expect(s.resolveLimit('s', 'big')).toEqual({
      maxBytes: HARD_CAP_BYTES,
      accept: ['pdf', 'jpg'],
      materialCode: 'resident-id-card',
    });
    expect(s.resolveLimit('s', 'small').maxBytes).toBe(500 * 1024);
    expect(s.resolveLimit('s', 'unknown').maxBytes).toBe(10 * 1024 * 1024);
  });

  it('wants serviceCode and field together', () => {
    expect(() => service().resolveLimit('s')).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => service().resolveLimit(undefined, 'f')).toThrow(expect.objectContaining({ status: 400 }));
  });
});
