import { addMonths } from '../population/dates';
import type { Population } from '../population/population';
import type { DeptSourceKey } from '../sources';

/** A source's records: the generated population, overlaid with sandbox edits. */
export interface RecordStore {
  get(idNumber: string): unknown;
  put(idNumber: string, record: Record<string, unknown>): void;
  /** The person is no longer known to this source (a pull answers 44004). */
  remove(idNumber: string): void;
  /** 人社 only: move the monthly settlement forward; current contributions grow with it. */
  advanceMonths(months: number): string;
  dataMonth(): string;
}

export function createRecordStore(source: DeptSourceKey, population: Population | null): RecordStore {
  const overlay = new Map<string, Record<string, unknown> | null>();
  let dataMonth = addMonths((population?.asOf ?? '2026-01-01').slice(0, 7), -1);
  return {
    get(idNumber) {
      const edited = overlay.get(idNumber);
      if (edited !== undefined) return edited ?? undefined;
      return population?.record(source, idNumber, dataMonth);
    },
    put: (idNumber, record) => overlay.set(idNumber, { ...record, idNumber }),
    remove: (idNumber) => overlay.set(idNumber, null),
    advanceMonths(months) {
      dataMonth = addMonths(dataMonth, months);
      return dataMonth;
    },
    dataMonth: () => dataMonth,
  };
}
