import type { FormEngine, SensitiveKind } from '../catalog';
import { mapSensitive, SEARCHABLE_KINDS, sensitiveKey } from '../catalog/sensitive-paths';
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
    return form
      .sensitiveValues(data)
      .filter((v) => SEARCHABLE_KINDS.has(v.kind))
      .map((v) => ({ field: v.key, kind: v.kind, digest: this.digest(v.kind, v.value) }));
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
    if (!form || form.sensitivePaths.length === 0) return data;
    return mapSensitive(data, form.sensitivePaths, (value, _kind, location) =>
      value !== '' && !SEALED.test(value)
        ? this.cipher.encrypt(value, { table: place.table, column: column(location), rowId: place.rowId })
        : undefined,
    );
  }

  open(
    place: { table: string; rowId: string },
    form: FormEngine | undefined,
    data: Record<string, unknown>,
  ): Record<string, unknown> {
    const decrypt = (value: string, location: string[]) => {
      try {
        return this.cipher.decrypt(value, {
          table: place.table,
          column: column(location),
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
    };
    if (form) {
      return mapSensitive(data, form.sensitivePaths, (value, _kind, location) =>
        SEALED.test(value) ? decrypt(value, location) : undefined,
      );
    }
    // Without its form (an unknown version) only top-level sealed values can be found.
    let out: Record<string, unknown> | undefined;
    for (const [field, value] of Object.entries(data)) {
      if (typeof value !== 'string' || !SEALED.test(value)) continue;
      out ??= { ...data };
      out[field] = decrypt(value, [field]);
    }
    return out ?? data;
  }
}

/** The MAC binds a value to its field: `form_data.idNumber`, `form_data.shareholders.0.idNumber`. */
const column = (location: string[]) => `form_data.${sensitiveKey(location)}`;
