import type { RunResources } from './global-setup';
import { adminQuery } from './test-db';

/** Undoes global-setup: drops the template database, stops the embedded PostgreSQL, repeats the no-Redis banner. */
export default async function globalTeardown(): Promise<void> {
  const resources = (globalThis as { __sitrepTestRun?: RunResources }).__sitrepTestRun;
  if (!resources) return;
  if (resources.template) await adminQuery(`DROP DATABASE IF EXISTS ${resources.template} WITH (FORCE)`);
  const child = resources.embeddedPg;
  if (child && child.exitCode === null) {
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }
  // Said again at the end, where it is seen after the test output has scrolled by.
  if (resources.noRedisBanner) process.stdout.write(resources.noRedisBanner);
}
