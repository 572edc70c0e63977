import type { FormEngine, SensitiveKind } from '../catalog';
import {
  type BlindIndex,
  type ColumnIndex,
  CryptoError,
  type FieldCipher,
  normaliseIdNumber,
  normalisePhone,
} from '../platform/crypto';
import { errors } from '../platform/errors';

const SEALED = /^v1\.[0-9a-f]{8}\./;

/** One blind-indexed value of a case: which field, which kind of number, its digest. */
export interface PiiDigest {
  field: string;
  kind: SensitiveKind;
  digest: string;
}

/**
 * Personal data inside stored form data: the values of a form's sensitive fields (ID and phone
 * numbers, `x-sensitive` in its schema) are SM4-encrypted at rest, each bound to its table, field and
 * row, while the rest of the form stays readable JSON. Values stored before encryption was switched on
 * are read as they are (and sealed when next written).
 */
export class FormPii {
  private readonly columns = new Map<string, ColumnIndex>();

  constructor(
    private readonly cipher: FieldCipher,
    private readonly index?: BlindIndex,
  ) {}

  /**
   * Keyed SM3 blind indexes of a form's sensitive values (for exact-match search without decrypting):
   * one `{ field, digest }` per filled sensitive field. ID numbers and phone numbers are normalised
   * first, so `330106…x` finds `330106…X`.
   */
  digests(form: FormEngine | undefined, data: Record<string, unknown>): PiiDigest[] {
    if (!form || !this.index) return [];
    const out: PiiDigest[] = [];
    for (const [field, kind] of form.sensitiveFields) {
      const value = data[field];
      if (typeof value === 'string' && value !== '')
        out.push({ field, kind, digest: this.digest(kind, value) });
    }
    return out;
  }

  /** The digest a search for `value` of that kind compares with. */
  digest(kind: SensitiveKind, value: string): string {
    if (!this.index) throw new Error('no blind index configured');
    let column = this.columns.get(kind);
    if (!column) {
      column = this.index.column('cases', kind, kind === 'phone' ? normalisePhone : normaliseIdNumber);
      this.columns.set(kind, column);
    }
    return column.of(value);
  }

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
      try {
        out[field] = this.cipher.decrypt(value, {
          table: place.table,
          column: `form_data.${field}`,
          rowId: place.rowId,
        });
      } catch (error) {
        // Written under a data key another instance created after this one loaded its keys (a
        // rotation): load the keys again and let the caller retry in a moment.
        if (error instanceof CryptoError && error.code === 'unknown_key') {
          void this.cipher.keys.refresh(1000).catch(() => {});
          throw errors.unavailable('keys_reloading', '数据密钥正在更新，请稍后重试', 1);
        }
        throw error;
      }
    }
    return out ?? data;
  }
}
