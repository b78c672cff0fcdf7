import fs from 'node:fs';
import path from 'node:path';
import { buildSchema, findBreakingChanges, findDangerousChanges } from 'graphql';
import { buildSitrepSchema, printSitrepSchema } from '../../src/server/schema';

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

describe('the schema file', () => {
  it('schema/schema.graphql is what the code builds', async () => {
    const built = printSitrepSchema(await buildSitrepSchema());
    const committed = read('schema/schema.graphql');
    if (built !== committed) {
      throw new Error('schema/schema.graphql is stale: run `npm run schema:emit` and commit the result.');
    }
  });

  it('serves the whole public contract: findBreakingChanges(contract, schema) is empty', async () => {
    const contract = buildSchema(read('schema/contract.graphql'));
    const built = await buildSitrepSchema();
    const breaking = findBreakingChanges(contract, built);
    expect(breaking.map((c) => `${c.type}: ${c.description}`)).toEqual([]);
    // The contract's header calls adding enum values, optional input fields and optional arguments
    // free; graphql-js lists them as "dangerous" for clients that switch exhaustively. Anything else is not free.
    const free = new Set(['VALUE_ADDED_TO_ENUM', 'OPTIONAL_INPUT_FIELD_ADDED', 'OPTIONAL_ARG_ADDED']);
    const dangerous = findDangerousChanges(contract, built).filter((c) => !free.has(c.type));
    expect(dangerous.map((c) => `${c.type}: ${c.description}`)).toEqual([]);
  });

  it('names the date scalar DateTime, as the contract does', async () => {
    const built = await buildSitrepSchema();
    expect(built.getType('DateTime')).toBeDefined();
    expect(built.getType('DateTimeISO')).toBeUndefined();
  });
});
