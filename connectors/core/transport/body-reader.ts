/**
 * Readers for success bodies of a platform API at `path`: a missing or mistyped required field is a
 * bad answer, thrown as the platform's transport error made by `badAnswer`.
 */
export function bodyReader(path: string, badAnswer: (path: string, message: string) => Error) {
  const fail = (what: string): never => {
    throw badAnswer(path, `response without ${what}`);
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
