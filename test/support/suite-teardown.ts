import { dropDone } from './test-db';

// Jest's setupFilesAfterEnv: when a suite's files are done (their servers closed), the databases still waiting to be
// dropped go, together (test-db.ts).
afterAll(() => dropDone(), 60_000);
