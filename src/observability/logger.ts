import pino from 'pino';

/** Creates the process logger: JSON lines on stdout, one per event. */
export function createLogger(level: string): pino.Logger {
  return pino({ level, base: { service: 'sitrep' }, redact: ['password', '*.password', 'token', '*.token'] });
}

export type Logger = pino.Logger;
