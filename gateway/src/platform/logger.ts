import { type Logger, pino } from 'pino';

// Defence in depth: nothing logs bodies or headers today, but a careless `log.info({ body })` must
// still not leak credentials or personal data.
const REDACT = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  'headers.cookie',
  '*.password',
  '*.secret',
  '*.code',
  '*.refreshToken',
  '*.accessToken',
  '*.sessionKey',
  '*.session_key',
  '*.idNumber',
  '*.phone',
  '*.formData',
  'formData',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'gcrm-gateway' },
      redact: { paths: REDACT, censor: '[已脱敏]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

/**
 * What an unexpected error may reveal in a log: its class and stack frames, never its message,
 * which can hold user data (a driver error quoting a row, say).
 */
export function describeUnexpected(error: unknown): { errorClass: string; frames?: string } {
  if (!(error instanceof Error)) return { errorClass: typeof error };
  const frames = error.stack?.split('\n').slice(1, 12).join('\n');
  const code = (error as { code?: unknown }).code;
  return { errorClass: typeof code === 'string' ? `${error.name}(${code})` : error.name, frames };
}
