import pino from 'pino';

/** Creates the process logger: JSON lines on stdout, one per event. */
export function createLogger(level: string): pino.Logger {
  // Synchronous writes: the last lines before process.exit (shutdown, a crash) must not be lost.
  return pino(
    { level, base: { service: 'sitrep' }, redact: ['password', '*.password', 'token', '*.token'] },
    pino.destination({ dest: 1, sync: true }),
  );
}

/** The logger every part of Sitrep takes (pino's). */
export type Logger = pino.Logger;
