import { type BlindIndex, type ColumnIndex, normaliseIdNumber } from '../platform/crypto';

/**
 * The person key of every profile table: the blind index (HMAC-SM3) of the ID number in column
 * `citizen_profile.id_index`. The ID number itself is never stored nor logged.
 */
export function profileIdIndex(index: BlindIndex): ColumnIndex {
  return index.column('citizen_profile', 'id_index', normaliseIdNumber);
}
