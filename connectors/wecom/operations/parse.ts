import { bodyReader } from '../../core/transport/body-reader';
import { WecomTransportError } from '../errors';

/** Readers for success bodies: a missing required field is a {@link WecomTransportError} (bad answer). */
export const reader = (path: string) => bodyReader(path, (p, message) => new WecomTransportError(p, message));

/** WeCom's `|`-joined id lists (`invaliduser: "u1|u2"`) as an array; absent or empty → []. */
export function splitIds(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String).filter((id) => id !== '');
  if (typeof value !== 'string' && typeof value !== 'number') return [];
  return String(value)
    .split('|')
    .map((id) => id.trim())
    .filter((id) => id !== '');
}
