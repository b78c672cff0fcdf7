import fs from 'node:fs';
import path from 'node:path';
import { buildSchema, parse, validate } from 'graphql';

const ROOT = path.resolve(__dirname, '../..');
const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const schema = buildSchema(fs.readFileSync(path.join(ROOT, 'schema/schema.graphql'), 'utf8'));

/** Every operation in the README's ```graphql blocks, one per line or block, with "…" placeholders filled in. */
function examples(): string[] {
  const blocks = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]);
  const operations: string[] = [];
  for (const block of blocks) {
    // A block holds either one multi-line operation or several one-line ones.
    const parts = block.split(/\n(?=(?:query|mutation|subscription)\b|\{)/).map((p) => p.trim()).filter(Boolean);
    operations.push(...parts.map((p) => p.replace(/"…"/g, '"00000000-0000-4000-8000-000000000000"')));
  }
  return operations;
}

describe('the README', () => {
  const operations = examples();

  it('has GraphQL examples to check', () => {
    expect(operations.length).toBeGreaterThan(15);
  });

  it.each(operations.map((op) => [op.split('\n')[0].slice(0, 80), op]))('example is valid against the schema: %s', (_title, op) => {
    const errors = validate(schema, parse(op));
    expect(errors.map((e) => e.message)).toEqual([]);
  });
});
