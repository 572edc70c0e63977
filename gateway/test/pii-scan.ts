import { residentIdCheckChar } from '../src/platform/validation/formats';

const ID_CANDIDATE = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g;
const PHONE_CANDIDATE = /(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])/g;

/**
 * Clear resident ID numbers (valid check character) and mainland mobile numbers in a text, each
 * reported masked (`330***********123X`) so that a failing test does not print them either.
 */
export function clearPiiIn(text: string): string[] {
  const hits: string[] = [];
  for (const m of text.matchAll(ID_CANDIDATE)) {
    const id = m[0].toUpperCase();
    if (residentIdCheckChar(id.slice(0, 17)) === id[17])
      hits.push(`ID ${id.slice(0, 3)}***********${id.slice(-4)}`);
  }
  for (const m of text.matchAll(PHONE_CANDIDATE)) hits.push(`phone ${m[0].slice(0, 3)}****${m[0].slice(-4)}`);
  return hits;
}

/**
 * Answers that may carry a full value on purpose: a staff member's audited reveal, and the citizen's
 * own data export. Everything else the API sends must be masked.
 */
export const MAY_SHOW_CLEAR = [/\/staff\/cases\/[^/]+\/reveal$/, /\/me\/data-requests\/[^/]+\/export$/];
