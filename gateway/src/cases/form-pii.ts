import type { FormEngine } from '../catalog';
import type { FieldCipher } from '../platform/crypto';

const SEALED = /^v1\.[0-9a-f]{8}\./;

/**
 * Personal data inside stored form data: the values of a form's sensitive fields (ID and phone
 * numbers, `x-sensitive` in its schema) are SM4-encrypted at rest, each bound to its table, field and
 * row, while the rest of the form stays readable JSON. Values stored before encryption was switched on
 * are read as they are (and sealed when next written).
 */
export class FormPii {
  constructor(private readonly cipher: FieldCipher) {}

  seal(
    place: { table: string; rowId: string },
    form: FormEngine | undefined,
    data: Record<string, unknown>,
  ): Record<string, unknown> {
    if (!form || form.sensitiveFields.size === 0) return data;
    const out = { ...data };
    for (const field of form.sensitiveFields.keys()) {
      const value = out[field];
      if (typeof value === 'string' && value !== '' && !SEALED.test(value)) {
        out[field] = this.cipher.encrypt(value, {
          table: place.table,
          column: `form_data.${field}`,
          rowId: place.rowId,
        });
      }
    }
    return out;
  }

  open(
    place: { table: string; rowId: string },
    form: FormEngine | undefined,
    data: Record<string, unknown>,
  ): Record<string, unknown> {
    let out: Record<string, unknown> | undefined;
    for (const [field, value] of Object.entries(data)) {
      if (typeof value !== 'string' || !SEALED.test(value)) continue;
      if (form && !form.sensitiveFields.has(field)) continue;
      out ??= { ...data };
      out[field] = this.cipher.decrypt(value, {
        table: place.table,
        column: `form_data.${field}`,
        rowId: place.rowId,
      });
    }
    return out ?? data;
  }
}
