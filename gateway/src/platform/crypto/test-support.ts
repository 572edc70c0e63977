import { readFileSync } from 'node:fs';
import { residentIdCheckChar } from '../validation/resident-id';

/** One entry of `gm-vectors.json` (a copy of `shared/vectors/gm-vectors.json`); fields vary by algorithm. */
export type GmVector = { id: string; algorithm: string } & Record<string, string | number | undefined>;

const file = JSON.parse(readFileSync(new URL('./gm-vectors.json', import.meta.url), 'utf8')) as {
  vectors: GmVector[];
};

/** The vector with this id, with hex fields readable as strings. */
export function vector(id: string): Record<string, string> & { iterations?: number } {
  const v = file.vectors.find((x) => x.id === id);
  if (!v) throw new Error(`no vector ${id}`);
  return v as Record<string, string> & { iterations?: number };
}

export const allVectorIds = () => file.vectors.map((v) => v.id);

/**
 * A fictitious 18-character resident ID number with a correct GB 11643 check character. The sequence
 * numbers used in tests (9xx) and the region/date choices belong to nobody in particular.
 */
export function fakeIdNumber(region = '110105', birth = '19900307', seq = '901'): string {
  const first17 = region + birth + seq;
  return first17 + residentIdCheckChar(first17);
}
