import { WecomTransportError } from '../errors';

/** Readers for success bodies: a missing required field is a {@link WecomTransportError} (bad answer). */
export function reader(path: string) {
  const fail = (what: string): never => {
    throw new WecomTransportError(path, `response without ${what}`);
  };
  return {
    object(value: unknown, what: string): Record<string, unknown> {
      return typeof value === 'object' && value !== null && !Array.isArray(value)
        ? (value as Record<string, unknown>)
        : fail(what);
    },
    array(value: unknown, what: string): unknown[] {
      return Array.isArray(value) ? value : fail(what);
    },
    string(value: unknown, what: string): string {
      return typeof value === 'string' ? value : fail(what);
    },
    number(value: unknown, what: string): number {
      return typeof value === 'number' && Number.isFinite(value) ? value : fail(what);
    },
    optionalString(value: unknown): string | undefined {
      return typeof value === 'string' && value !== '' ? value : undefined;
    },
    bool(value: unknown): boolean {
      return value === true;
    },
  };
}
