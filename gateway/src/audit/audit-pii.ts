/**
 * The audit log's personal-data guard (GB/T 22239 8.1.4.11, ASVS 7.1.1): no clear resident ID or
 * mainland mobile number may reach an audit row. It scans every string (and number) in an entry,
 * object keys included, for substrings that look like one:
 * - an 18-character number with a real birth date and a valid GB 11643 check character (resident ID,
 *   港澳台居民居住证, 2023 外国人永久居留身份证);
 * - a mobile number `1[3-9]xxxxxxxxx`, also written `+86 138-1234-5678` or `138 1234 5678`.
 * Masked values (`110***********1234`, `138****5678`) pass. Findings name the path and kind, never the
 * value.
 */
import { maskIdNumber, maskPhone } from '../platform/privacy/mask';
import {
  isForeignPermanentResidentId,
  isHkMoTwResidencePermit,
  isResidentId,
} from '../platform/validation/formats';

export type PiiKind = 'resident_id' | 'mobile';

export interface PiiFinding {
  /** JSON-pointer-like path into the scanned value, e.g. `/details/applicant/0`. */
  path: string;
  kind: PiiKind;
}

// Bounded by non-alphanumerics: ids such as UUIDs (`…d145-4823-9199…`) hold digit runs that are no number.
const ID_CANDIDATE = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g;
const MOBILE_CANDIDATE = /(?<![0-9A-Za-z])(?:\+?86[-\s]?)?1[3-9]\d[-\s]?\d{4}[-\s]?\d{4}(?![0-9A-Za-z])/g;

const looksLikeId = (s: string) =>
  isResidentId(s) || isHkMoTwResidencePermit(s) || isForeignPermanentResidentId(s);

/** The kinds of personal number found in one string. */
export function piiKindsIn(text: string): PiiKind[] {
  const kinds: PiiKind[] = [];
  if ([...text.matchAll(ID_CANDIDATE)].some((m) => looksLikeId(m[0]))) kinds.push('resident_id');
  if (text.search(MOBILE_CANDIDATE) >= 0) kinds.push('mobile');
  return kinds;
}

/** Replaces every resident ID (`110***********1234`) and mobile number (`138****5678`) in a string. */
export function maskPiiText(text: string): string {
  return text
    .replace(ID_CANDIDATE, (m) => (looksLikeId(m) ? maskIdNumber(m) : m))
    .replace(MOBILE_CANDIDATE, (m) => {
      const digits = m.replace(/\D/g, '');
      return maskPhone(digits.slice(-11));
    });
}

function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return undefined;
}

// Keys are masked too: a finding's path must not leak the number it points at.
const escapeKey = (key: string) => maskPiiText(key).replace(/~/g, '~0').replace(/\//g, '~1');

/** Every place in `value` (any JSON-like value) that holds a clear ID or mobile number. */
export function findPii(value: unknown, path = ''): PiiFinding[] {
  const text = scalarText(value);
  if (text !== undefined) return piiKindsIn(text).map((kind) => ({ path: path || '/', kind }));
  if (value === null || typeof value !== 'object') return [];
  const findings: PiiFinding[] = [];
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  for (const [key, child] of entries) {
    const childPath = `${path}/${escapeKey(key)}`;
    for (const kind of piiKindsIn(key)) findings.push({ path: `${childPath} (key)`, kind });
    findings.push(...findPii(child, childPath));
  }
  return findings;
}

/** A copy of `value` with every ID and mobile number masked (numbers that hold one become strings). */
export function maskPii<T>(value: T): T {
  const text = scalarText(value);
  if (text !== undefined) {
    if (piiKindsIn(text).length === 0) return value;
    return maskPiiText(text) as T;
  }
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => maskPii(v)) as T;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [maskPiiText(k), maskPii(v)])) as T;
}
