// Subscribe-message value rules per template key type (platforms.md §1.3; [3P] mirror of the official table).

/** Key type prefixes the simulator knows; a template key is `<type><n>`, e.g. `thing1`, `time2`. */
export const KEY_TYPES = [
  'thing',
  'number',
  'letter',
  'symbol',
  'character_string',
  'time',
  'date',
  'amount',
  'phone_number',
  'car_number',
  'name',
  'phrase',
] as const;

export type KeyType = (typeof KEY_TYPES)[number];

// Longest prefix first: `character_string1` must not match a shorter type.
const BY_LENGTH = [...KEY_TYPES].sort((a, b) => b.length - a.length);

/** The type of a template key (`thing12` → `thing`), or undefined when the key is malformed. */
export function keyType(key: string): KeyType | undefined {
  const type = BY_LENGTH.find((prefix) => key.startsWith(prefix));
  return type && /^[1-9][0-9]{0,2}$/.test(key.slice(type.length)) ? type : undefined;
}

const HAN = /^\p{Script=Han}+$/u;
const CLOCK = '(?:[01]?\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d)?';
const DAY = '(?:\\d{4}年\\d{1,2}月\\d{1,2}日|\\d{4}([-/.])\\d{1,2}\\1\\d{1,2})';
const TIME_POINT = new RegExp(`^(?:${DAY}\\s*)?${CLOCK}$`);
const DATE_POINT = new RegExp(`^${DAY}(?:\\s*${CLOCK})?$`);

function range(value: string, point: RegExp): boolean {
  const parts = value.split('~');
  return parts.length <= 2 && parts.every((part) => point.test(part.trim()));
}

const RULES: Record<KeyType, (value: string, length: number) => boolean> = {
  thing: (_, length) => length <= 20,
  number: (value) => value.length <= 32 && /^\d+(?:\.\d+)?$/.test(value),
  letter: (value) => /^[A-Za-z]{1,32}$/.test(value),
  symbol: (value, length) => length <= 5 && /^[^\p{L}\p{N}\s]+$/u.test(value),
  character_string: (value) => /^[\x21-\x7e]{1,32}$/.test(value),
  time: (value) => range(value, TIME_POINT),
  date: (value) => range(value, DATE_POINT),
  amount: (value) => /^(?:[¥￥$€£]?\d{1,10}(?:\.\d{1,2})?元?)$/.test(value),
  phone_number: (value) => /^[\d+\-() ]{1,17}$/.test(value),
  car_number: (value, length) => length <= 8 && /^[\p{Script=Han}A-Za-z0-9]+$/u.test(value),
  name: (value, length) => (HAN.test(value) ? length <= 10 : /^[A-Za-z .·'-]{1,20}$/.test(value)),
  phrase: (value, length) => length <= 5 && HAN.test(value),
};

/** Whether `value` is acceptable for template key `key` (no control characters, not empty). */
export function isValidValue(key: string, value: unknown): boolean {
  const type = keyType(key);
  if (type === undefined || typeof value !== 'string' || value === '') return false;
  if (/\p{Cc}/u.test(value)) return false;
  return RULES[type](value, [...value].length);
}
